import type { Database, ProgressListener } from '../data/database.js';
import type { Dataset } from '../data/load.js';
import { quoteIdent, toNumber } from '../data/sql.js';
import type { ContractReport, ExampleScalar, ExampleValue, Violation, ViolationExample } from './report.js';
import { planChecks, type RuleCheck } from './rules.js';
import type { Contract } from './schema.js';

function scalar(value: unknown): ExampleScalar {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

function exampleValue(value: unknown): ExampleValue {
  return Array.isArray(value) ? value.map(scalar) : scalar(value);
}

/** Evaluates every rule's aggregates in a single scan of the table. */
async function aggregate(
  db: Database,
  table: string,
  checks: readonly RuleCheck[],
  onProgress?: ProgressListener,
): Promise<number[][]> {
  const selects: string[] = [];
  const aliases = checks.map((check) =>
    check.aggregates.map((expr) => {
      const alias = `a${selects.length}`;
      selects.push(`${expr} AS ${alias}`);
      return alias;
    }),
  );
  if (selects.length === 0) return aliases.map(() => []);
  const row = await db.first(`SELECT ${selects.join(', ')} FROM ${quoteIdent(table)}`, onProgress);
  return aliases.map((names) => names.map((a) => toNumber(row[a]) ?? 0));
}

async function examplesOf(db: Database, check: RuleCheck): Promise<ViolationExample[]> {
  if (!check.examplesSql) return [];
  const rows = await db.rows<{ row: bigint | number; value: unknown }>(check.examplesSql);
  return rows.map((r) => ({ row: Number(r.row), value: exampleValue(r.value) }));
}

/**
 * Holds a loaded data set to a contract: one aggregate query evaluates every
 * rule, then one small query per broken rule fetches its examples.
 */
export async function checkContract(
  db: Database,
  dataset: Dataset,
  contract: Contract,
  options: { onProgress?: ProgressListener } = {},
): Promise<ContractReport> {
  const checks = planChecks(dataset, contract);
  const values = await aggregate(db, dataset.table, checks, options.onProgress);
  const violations: Violation[] = [];
  for (const [i, check] of checks.entries()) {
    const breach = check.evaluate(values[i] ?? [], dataset.rowCount);
    if (!breach) continue;
    violations.push({
      ...(check.column !== undefined ? { column: check.column } : {}),
      rule: check.rule,
      message: breach.message,
      count: breach.count,
      examples: await examplesOf(db, check),
    });
  }
  return {
    ok: violations.length === 0,
    rows: dataset.rowCount,
    columns: dataset.columns.length,
    rules: checks.length,
    violations,
  };
}
