import {
  type ColumnData,
  type ColumnInfo,
  type Database,
  type Dataset,
  loadDataset,
  type ModelgateConfig,
  readColumns,
  SPLIT_NAMES,
  type SplitName,
  UserError,
} from '@modelgate/core';
import type { ProblemSpec, TrainingSet } from '../types.js';
import { categoricalFeature, countInfinite, countPresent, featureSpec, numericFeature } from './encode.js';
import { selectFeatures } from './features.js';
import { resolveSplits, type SplitFiles, type SplitSource } from './split-source.js';
import {
  checkNotConstant,
  checkRegressionTarget,
  encodeClasses,
  labelsOf,
  regressionValues,
  targetPresent,
  trainingClasses,
} from './target.js';

/** Everything a search needs, prepared once from the splits. */
export interface PreparedProblem {
  spec: ProblemSpec;
  sets: Record<SplitName, TrainingSet>;
  splits: SplitFiles;
  /** The split tables in the database, with the training split's column kinds. */
  datasets: Record<SplitName, Dataset>;
  /** Feature columns as the data has them (DuckDB type and kind). */
  featureColumns: ColumnInfo[];
  /** Rows left out of each split because their target is null or NaN. */
  droppedRows: Record<SplitName, number>;
  warnings: string[];
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function keptRows(present: Uint8Array): Int32Array {
  const rows: number[] = [];
  present.forEach((p, i) => {
    if (p) rows.push(i);
  });
  return Int32Array.from(rows);
}

async function loadSplits(db: Database, splits: SplitFiles): Promise<Record<SplitName, Dataset>> {
  const out = {} as Record<SplitName, Dataset>;
  for (const name of SPLIT_NAMES) {
    out[name] = await loadDataset(
      db,
      { path: splits.files[name], format: 'parquet' },
      { table: `split_${name}` },
    );
  }
  return out;
}

function requireTarget(config: ModelgateConfig, columns: readonly ColumnInfo[], file: string): ColumnInfo {
  const target = columns.find((c) => c.name === config.target);
  if (target) return target;
  throw new UserError(
    `target '${config.target}' is not a column of ${file}. Columns: ${columns.map((c) => c.name).join(', ')}.`,
  );
}

/** Read with the training split's kinds, so every split codes a column the same way. */
async function readSplit(
  db: Database,
  dataset: Dataset,
  columns: readonly ColumnInfo[],
): Promise<ColumnData[]> {
  const present = new Set(dataset.columns.map((c) => c.name));
  const missing = columns.find((c) => !present.has(c.name));
  if (missing)
    throw new UserError(
      `${dataset.files[0]}: has no column '${missing.name}', which the training split has.`,
    );
  return readColumns(db, dataset.table, columns, dataset.rowCount);
}

/**
 * Prepares the training, validation and test sets from a split directory
 * (`modelgate split`) or by splitting the configured data first.
 *
 * Handling of awkward data, every case a one-line UserError unless said:
 * - rows whose target is null (or NaN) are dropped from every split with a
 *   warning and counted in `droppedRows` (trials.json records them);
 * - null and NaN feature values are missing values (valid = 0, value NaN),
 *   which the trainers handle; ±inf in a feature is refused with its count;
 * - a feature with no value in the training split, a constant target, a class
 *   with fewer than two training rows, a string target for regression, a
 *   validation/test class the training split lacks, and an empty training or
 *   validation split are refused.
 */
export async function prepareProblem(
  db: Database,
  config: ModelgateConfig,
  source: SplitSource,
): Promise<PreparedProblem> {
  const splits = await resolveSplits(db, config, source);
  const warnings: string[] = [];
  if (splits.manifest.target !== config.target) {
    throw new UserError(
      `${splits.dir}: the splits were made for target '${splits.manifest.target}', but the config's target is '${config.target}'. Split again.`,
    );
  }
  if (splits.manifest.task !== config.task) {
    warnings.push(
      `${splits.dir}: the splits were made for a ${splits.manifest.task} task, the config says ${config.task}.`,
    );
  }
  const datasets = await loadSplits(db, splits);
  const trainColumns = datasets.train.columns;
  const targetInfo = requireTarget(config, trainColumns, splits.files.train);
  const selection = selectFeatures(config, trainColumns);
  warnings.push(...selection.warnings);
  const wanted = [targetInfo, ...selection.columns];
  const raw = {} as Record<SplitName, ColumnData[]>;
  for (const name of SPLIT_NAMES) raw[name] = await readSplit(db, datasets[name], wanted);

  const keep = {} as Record<SplitName, Int32Array>;
  const droppedRows = {} as Record<SplitName, number>;
  for (const name of SPLIT_NAMES) {
    const present = targetPresent(raw[name][0] as ColumnData);
    keep[name] = keptRows(present);
    droppedRows[name] = present.length - keep[name].length;
  }
  const dropped = SPLIT_NAMES.filter((n) => droppedRows[n] > 0);
  if (dropped.length > 0) {
    warnings.push(
      `target '${config.target}' is missing in ${dropped.map((n) => `${plural(droppedRows[n], 'row')} of ${n}`).join(', ')}: those rows are left out.`,
    );
  }
  if (keep.train.length === 0) {
    throw new UserError(
      `the training split has no rows with a target '${config.target}' (${splits.files.train}).`,
    );
  }
  if (keep.validation.length === 0) {
    throw new UserError(
      `the validation split has no rows with a target: the search scores trials on it. Set split.validation above 0 (now ${splits.manifest.policy.validation}).`,
    );
  }

  const spec: ProblemSpec = { task: config.task, target: config.target, features: [] };
  const targets = {} as Record<SplitName, Int32Array | Float64Array>;
  if (config.task === 'regression') {
    checkRegressionTarget(targetInfo);
    for (const name of SPLIT_NAMES) {
      targets[name] = regressionValues(raw[name][0] as ColumnData, keep[name], {
        target: config.target,
        split: name,
      });
    }
    checkNotConstant(targets.train as Float64Array, config.target);
  } else {
    const labels = Object.fromEntries(SPLIT_NAMES.map((n) => [n, labelsOf(raw[n][0] as ColumnData)]));
    const trainLabels = Array.from(keep.train, (row) => labels.train?.[row] ?? null);
    spec.classes = trainingClasses(config.task, targetInfo, trainLabels);
    for (const name of SPLIT_NAMES) {
      targets[name] = encodeClasses(labels[name] ?? [], keep[name], spec.classes, {
        target: config.target,
        split: name,
      });
    }
  }

  spec.features = selection.columns.map((_, f) => featureSpec(raw.train[f + 1] as ColumnData));
  const infinite = new Map<string, number>();
  const sets = {} as Record<SplitName, TrainingSet>;
  for (const name of SPLIT_NAMES) {
    const features = spec.features.map((feature, f) => {
      const column = raw[name][f + 1] as ColumnData;
      const n = countInfinite(column, keep[name]);
      if (n > 0) infinite.set(feature.name, (infinite.get(feature.name) ?? 0) + n);
      return 'codes' in column
        ? categoricalFeature(column, keep[name], feature.categories ?? [])
        : numericFeature(column, keep[name]);
    });
    sets[name] = { rows: keep[name].length, features, target: targets[name] };
  }
  const [infName, infCount] = [...infinite.entries()][0] ?? [];
  if (infName !== undefined) {
    throw new UserError(
      `feature '${infName}' is infinite (±inf, or beyond float32's range) in ${plural(infCount ?? 0, 'row')}: a model cannot learn from or be sent such values. Replace them (e.g. with null, a missing value) or drop the rows.`,
    );
  }
  sets.train.features.forEach((column, f) => {
    if (countPresent(column) === 0) {
      throw new UserError(
        `feature '${spec.features[f]?.name}' has no value in the training split (all ${keep.train.length} rows are null). Remove it from features.`,
      );
    }
  });
  return {
    spec,
    sets,
    splits,
    datasets,
    featureColumns: selection.columns,
    droppedRows,
    warnings,
  };
}
