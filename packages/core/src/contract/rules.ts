import { type ColumnKind, isStringType } from '../data/kinds.js';
import type { ColumnInfo, Dataset } from '../data/load.js';
import { quoteIdent, quoteLiteral } from '../data/sql.js';
import type { ViolationRule } from './report.js';
import type { Contract, ContractColumn } from './schema.js';
import {
  asDouble,
  displayExpr,
  doubleLiteral,
  duplicateCountExpr,
  duplicateExamplesSql,
  MAX_EXAMPLES,
} from './sql.js';

export interface Breach {
  count: number;
  message: string;
}

/** One rule on one column (or the table): its share of the aggregate query, and how to find examples. */
export interface RuleCheck {
  column?: string;
  rule: ViolationRule;
  /** Aggregate SQL expressions, evaluated together with every other rule's in one scan. */
  aggregates: string[];
  /** Reads this rule's aggregate values (in order) and says whether, and how, it is broken. */
  evaluate(values: number[], rows: number): Breach | undefined;
  /** Selects `row` (1-based) and `value` for up to MAX_EXAMPLES offending rows. */
  examplesSql?: string;
}

/** Kinds that hold the same values: integers and doubles are numeric; categories and free text are strings. */
const FAMILY: Record<ColumnKind, string> = {
  numeric: 'number',
  categorical: 'string',
  text: 'string',
  boolean: 'boolean',
  datetime: 'datetime',
};

const PARSE_TYPE: Partial<Record<ColumnKind, string>> = {
  numeric: 'DOUBLE',
  boolean: 'BOOLEAN',
  datetime: 'TIMESTAMP',
};

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function examplesWhere(table: string, predicate: string, value: string): string {
  return `SELECT rowid + 1 AS row, ${value} AS value FROM ${quoteIdent(table)} WHERE ${predicate} ORDER BY rowid LIMIT ${MAX_EXAMPLES}`;
}

function rowCountCheck(contract: Contract): RuleCheck {
  const { min, max } = contract.rows;
  return {
    rule: 'row_count',
    aggregates: [],
    evaluate: (_, rows) => {
      if (rows < min) return { count: rows, message: `${plural(rows, 'row')}, expected at least ${min}` };
      if (max !== undefined && rows > max) {
        return { count: rows, message: `${plural(rows, 'row')}, expected at most ${max}` };
      }
      return undefined;
    },
  };
}

function missingCheck(spec: ContractColumn): RuleCheck {
  return {
    column: spec.name,
    rule: 'missing_column',
    aggregates: [],
    evaluate: (_, rows) => ({ count: rows, message: `in the contract (${spec.kind}) but not in the data` }),
  };
}

function extraCheck(found: ColumnInfo): RuleCheck {
  return {
    column: found.name,
    rule: 'extra_column',
    aggregates: [],
    evaluate: (_, rows) => ({
      count: rows,
      message: `in the data (${found.kind}, ${found.type}) but not in the contract`,
    }),
  };
}

/**
 * Every non-null value of a column of the wrong kind is counted; values that
 * do not even parse as the expected kind come first among the examples.
 */
function kindCheck(table: string, spec: ContractColumn, found: ColumnInfo): RuleCheck {
  const id = quoteIdent(found.name);
  const parseType = isStringType(found.type) ? PARSE_TYPE[spec.kind] : undefined;
  const unparsable = parseType ? `(TRY_CAST(${id} AS ${parseType}) IS NULL)` : 'false';
  return {
    column: spec.name,
    rule: 'kind',
    aggregates: [`count(${id})`, `count(*) FILTER (WHERE ${id} IS NOT NULL AND ${unparsable})`],
    evaluate: ([nonNull = 0, failing = 0]) => {
      if (nonNull === 0) return undefined;
      const parse = parseType
        ? `; ${plural(failing, 'value')} ${failing === 1 ? 'does' : 'do'} not parse as ${spec.kind}`
        : '';
      return {
        count: nonNull,
        message: `expected ${spec.kind}, found ${found.kind} (${found.type})${parse}`,
      };
    },
    examplesSql: `SELECT rowid + 1 AS row, ${displayExpr(found)} AS value FROM ${quoteIdent(table)}
      WHERE ${id} IS NOT NULL ORDER BY ${unparsable} DESC, rowid LIMIT ${MAX_EXAMPLES}`,
  };
}

function nullCheck(table: string, spec: ContractColumn): RuleCheck | undefined {
  const isNull = `${quoteIdent(spec.name)} IS NULL`;
  const examplesSql = examplesWhere(table, isNull, 'NULL');
  if (!spec.nullable) {
    return {
      column: spec.name,
      rule: 'not_null',
      aggregates: [`count(*) FILTER (WHERE ${isNull})`],
      evaluate: ([nulls = 0]) =>
        nulls > 0
          ? { count: nulls, message: 'nulls in a column the contract says is not nullable' }
          : undefined,
      examplesSql,
    };
  }
  const limit = spec.max_null_rate;
  if (limit === undefined) return undefined;
  return {
    column: spec.name,
    rule: 'null_rate',
    aggregates: [`count(*) FILTER (WHERE ${isNull})`],
    evaluate: ([nulls = 0], rows) => {
      const rate = rows === 0 ? 0 : nulls / rows;
      return rate > limit
        ? { count: nulls, message: `null rate ${percent(rate)} is over the limit ${percent(limit)}` }
        : undefined;
    },
    examplesSql,
  };
}

/** NaN and ±inf lie outside every range: a bound is a promise of finite numbers. */
function rangeCheck(table: string, spec: ContractColumn, found: ColumnInfo): RuleCheck | undefined {
  const { min, max } = spec;
  if (min === undefined && max === undefined) return undefined;
  const x = asDouble(found.name);
  const outside = [
    `NOT isfinite(${x})`,
    ...(min !== undefined ? [`${x} < ${doubleLiteral(min)}`] : []),
    ...(max !== undefined ? [`${x} > ${doubleLiteral(max)}`] : []),
  ].join(' OR ');
  const predicate = `${quoteIdent(found.name)} IS NOT NULL AND (${outside})`;
  const bounds =
    min !== undefined && max !== undefined
      ? `outside [${min}, ${max}]`
      : min !== undefined
        ? `below the minimum ${min}`
        : `above the maximum ${max}`;
  return {
    column: spec.name,
    rule: 'range',
    aggregates: [`count(*) FILTER (WHERE ${predicate})`, `count(*) FILTER (WHERE NOT isfinite(${x}))`],
    evaluate: ([out = 0, nonFinite = 0]) => {
      if (out === 0) return undefined;
      const why = nonFinite > 0 ? ` (${nonFinite} of them NaN or ±inf, which no range admits)` : '';
      return { count: out, message: `values ${bounds}${why}` };
    },
    examplesSql: examplesWhere(table, predicate, x),
  };
}

function categoriesCheck(table: string, spec: ContractColumn, found: ColumnInfo): RuleCheck | undefined {
  const { categories } = spec;
  if (!categories) return undefined;
  const value = `CAST(${quoteIdent(found.name)} AS VARCHAR)`;
  const allowed =
    categories.length === 0 ? 'false' : `${value} IN (${categories.map(quoteLiteral).join(', ')})`;
  const predicate = `${quoteIdent(found.name)} IS NOT NULL AND NOT (${allowed})`;
  return {
    column: spec.name,
    rule: 'categories',
    aggregates: [
      `count(*) FILTER (WHERE ${predicate})`,
      `count(DISTINCT ${value}) FILTER (WHERE ${predicate})`,
    ],
    evaluate: ([rows = 0, distinct = 0]) =>
      rows > 0
        ? {
            count: rows,
            message: `${plural(distinct, 'value')} not among the ${plural(categories.length, 'allowed category', 'allowed categories')}`,
          }
        : undefined,
    examplesSql: `SELECT min(rowid) + 1 AS row, ${value} AS value FROM ${quoteIdent(table)}
      WHERE ${predicate} GROUP BY value ORDER BY row LIMIT ${MAX_EXAMPLES}`,
  };
}

function keyCheck(table: string, key: readonly ColumnInfo[]): RuleCheck {
  const names = key.map((c) => c.name);
  return {
    rule: 'unique_key',
    aggregates: [duplicateCountExpr(names)],
    evaluate: ([duplicates = 0]) =>
      duplicates > 0
        ? { count: duplicates, message: `rows repeat an earlier row's key (${names.join(', ')})` }
        : undefined,
    examplesSql: duplicateExamplesSql(table, key),
  };
}

function columnChecks(table: string, spec: ContractColumn, found: ColumnInfo): RuleCheck[] {
  const nulls = nullCheck(table, spec);
  if (FAMILY[spec.kind] !== FAMILY[found.kind]) {
    // Value rules of the expected kind mean nothing for values of another kind.
    return [kindCheck(table, spec, found), ...(nulls ? [nulls] : [])];
  }
  return [nulls, rangeCheck(table, spec, found), categoriesCheck(table, spec, found)].filter(
    (c): c is RuleCheck => c !== undefined,
  );
}

/**
 * The rules a data set is held to, in report order: row count, missing and
 * extra columns, each column's rules in contract order, then the key.
 */
export function planChecks(dataset: Dataset, contract: Contract): RuleCheck[] {
  const found = new Map(dataset.columns.map((c) => [c.name, c]));
  const expected = new Set(contract.columns.map((c) => c.name));
  const checks: RuleCheck[] = [rowCountCheck(contract)];
  for (const spec of contract.columns) if (!found.has(spec.name)) checks.push(missingCheck(spec));
  for (const column of dataset.columns) if (!expected.has(column.name)) checks.push(extraCheck(column));
  for (const spec of contract.columns) {
    const column = found.get(spec.name);
    if (column) checks.push(...columnChecks(dataset.table, spec, column));
  }
  const key = contract.key?.map((k) => found.get(k));
  if (key?.every((c) => c !== undefined)) checks.push(keyCheck(dataset.table, key));
  return checks;
}
