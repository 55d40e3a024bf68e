import { type ColumnInfo, type Database, quoteIdent, type Task, toNumber, UserError } from '@modelgate/core';
import type { ModelOutputs } from './types.js';

/** How the server and `modelgate predict` name model outputs. */
export const OUTPUT_COLUMNS = {
  label: 'label',
  prediction: 'prediction',
  probabilityPrefix: 'probability_',
} as const;

/** Class names from `probability_<class>` columns, in column order. */
export function probabilityClasses(columns: readonly ColumnInfo[]): string[] {
  return columns
    .filter((c) => c.name.startsWith(OUTPUT_COLUMNS.probabilityPrefix))
    .map((c) => c.name.slice(OUTPUT_COLUMNS.probabilityPrefix.length));
}

export function hasModelOutputs(columns: readonly ColumnInfo[], task: Task): boolean {
  const names = new Set(columns.map((c) => c.name));
  if (task === 'regression') return names.has(OUTPUT_COLUMNS.prediction);
  return probabilityClasses(columns).length >= 2 || names.has(OUTPUT_COLUMNS.label);
}

/**
 * The model outputs a table already holds (a prediction log, or data
 * `modelgate predict` wrote): `probability_<class>` columns and/or `label`
 * for classifiers, `prediction` for regressors.
 */
export async function readModelOutputs(
  db: Database,
  table: string,
  columns: readonly ColumnInfo[],
  task: Task,
  knownClasses?: readonly string[],
): Promise<ModelOutputs> {
  const names = new Set(columns.map((c) => c.name));
  const from = `FROM ${quoteIdent(table)} ORDER BY rowid`;
  if (task === 'regression') {
    if (!names.has(OUTPUT_COLUMNS.prediction))
      throw new UserError(
        `the current data has no '${OUTPUT_COLUMNS.prediction}' column with the model's predictions.`,
      );
    const rows = await db.rows<{ p: unknown }>(
      `SELECT TRY_CAST(${quoteIdent(OUTPUT_COLUMNS.prediction)} AS DOUBLE) AS p ${from}`,
    );
    return { task, classes: [], prediction: Float64Array.from(rows, (r) => toNumber(r.p) ?? Number.NaN) };
  }
  const found = probabilityClasses(columns);
  const classes = knownClasses && knownClasses.length > 0 ? [...knownClasses] : found;
  const hasProbabilities = classes.length >= 2 && classes.every((c) => found.includes(c));
  const hasLabel = names.has(OUTPUT_COLUMNS.label);
  if (!hasProbabilities && !hasLabel) {
    throw new UserError(
      `the current data has neither '${OUTPUT_COLUMNS.probabilityPrefix}<class>' columns for every class (${classes.join(', ') || 'none found'}) nor a '${OUTPUT_COLUMNS.label}' column with the model's outputs.`,
    );
  }
  const select = [
    ...(hasProbabilities
      ? classes.map(
          (c, k) => `TRY_CAST(${quoteIdent(OUTPUT_COLUMNS.probabilityPrefix + c)} AS DOUBLE) AS p${k}`,
        )
      : []),
    ...(hasLabel ? [`CAST(${quoteIdent(OUTPUT_COLUMNS.label)} AS VARCHAR) AS label`] : []),
  ];
  const rows = await db.rows<Record<string, unknown>>(`SELECT ${select.join(', ')} ${from}`);
  const given = rows.flatMap((r) => (r.label === null || r.label === undefined ? [] : [String(r.label)]));
  const labelClasses = classes.length > 0 ? classes : [...new Set(given)].sort();
  const index = new Map(labelClasses.map((c, k) => [c, k]));
  const outputs: ModelOutputs = { task, classes: labelClasses };
  if (hasProbabilities) {
    const c = classes.length;
    const p = new Float64Array(rows.length * c);
    rows.forEach((r, i) => {
      for (let k = 0; k < c; k++) p[i * c + k] = toNumber(r[`p${k}`]) ?? Number.NaN;
    });
    outputs.probabilities = p;
  }
  if (hasLabel) {
    // A null label is that row's missing output (−1, left out by outputMask), not a reason to
    // distrust the column; a label that is not a class is.
    const foreign = given.some((label) => !index.has(label));
    if (foreign && !hasProbabilities) {
      throw new UserError(
        `the '${OUTPUT_COLUMNS.label}' column holds a value that is not a class (${labelClasses.join(', ')}).`,
      );
    }
    if (!foreign) outputs.yPred = Int32Array.from(rows, (r) => index.get(String(r.label)) ?? -1);
  }
  return outputs;
}
