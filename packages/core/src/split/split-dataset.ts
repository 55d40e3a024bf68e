import { join } from 'node:path';
import type { Task } from '../config/schema.js';
import { type ColumnData, readColumns } from '../data/columns.js';
import type { Database } from '../data/database.js';
import { fingerprintFiles } from '../data/fingerprint.js';
import { type ColumnInfo, type Dataset, describeFiles } from '../data/load.js';
import { UserError } from '../errors.js';
import { withStagedOutputs, writeFileAtomic } from '../fs/atomic.js';
import { assignSplits } from './assign.js';
import { encodeClasses } from './classes.js';
import { SPLIT_MANIFEST_FILE, type SplitManifest } from './manifest.js';
import {
  bySplit,
  checkSplitSettings,
  parseSplitStrategy,
  SPLIT_NAMES,
  type SplitSettings,
} from './policy.js';
import { describeSplits } from './summary.js';
import { writeSplits } from './write.js';

export interface SplitDatasetOptions {
  target: string;
  /** Without `by`: stratified for classification, random for regression. */
  policy: Omit<SplitSettings, 'by'> & { by?: string | undefined };
  /** From modelgate.yaml; otherwise told from the target (numbers are regression unless split stratified). */
  task?: Task | undefined;
  /** Directory that receives train/validation/test.parquet and splits.json; untouched on failure. */
  out: string;
  onProgress?: (fraction: number, detail: string) => void;
}

function requireColumn(dataset: Dataset, name: string, role: string): ColumnInfo {
  const column = dataset.columns.find((c) => c.name === name);
  if (column) return column;
  throw new UserError(
    `${role} '${name}' is not a column of ${describeFiles(dataset.files)}. Columns: ${dataset.columns.map((c) => c.name).join(', ')}.`,
  );
}

function isNumeric(column: ColumnInfo): boolean {
  return column.kind === 'numeric' || column.kind === 'datetime';
}

function resolveTask(options: SplitDatasetOptions, target: ColumnInfo, data: ColumnData): Task {
  if (options.task) return options.task;
  if (isNumeric(target) && options.policy.by !== 'stratified') return 'regression';
  return encodeClasses(data).labels.length <= 2 ? 'binary' : 'multiclass';
}

/**
 * Assigns every row of `dataset` to train, validation or test and writes the
 * three Parquet files and `splits.json` into `options.out`.
 */
export async function splitDataset(
  db: Database,
  dataset: Dataset,
  options: SplitDatasetOptions,
): Promise<SplitManifest> {
  if (dataset.rowCount === 0) throw new UserError(`${describeFiles(dataset.files)}: no rows to split.`);
  const target = requireColumn(dataset, options.target, 'target');
  const by = options.policy.by;
  const strategy = by === undefined ? undefined : parseSplitStrategy(by);
  const keyInfo =
    strategy?.kind === 'time' || strategy?.kind === 'group'
      ? requireColumn(dataset, strategy.column, `${strategy.kind} column`)
      : undefined;
  if (strategy?.kind === 'time' && keyInfo && !isNumeric(keyInfo)) {
    throw new UserError(
      `time column '${keyInfo.name}' is ${keyInfo.type}: expected a date, timestamp or number to order rows by.`,
    );
  }
  const wanted = keyInfo && keyInfo.name !== target.name ? [target, keyInfo] : [target];
  options.onProgress?.(0, 'reading columns');
  const read = await readColumns(db, dataset.table, wanted, dataset.rowCount);
  const targetData = read[0];
  if (!targetData) throw new Error('readColumns returned no target');
  const keyData = read[1] ?? targetData;
  const task = resolveTask(options, target, targetData);
  const classification = task !== 'regression';
  const settings: SplitSettings = {
    by: by ?? (classification ? 'stratified' : 'random'),
    validation: options.policy.validation,
    test: options.policy.test,
    seed: options.policy.seed,
  };
  checkSplitSettings(settings);
  const assignment = assignSplits(
    { rowCount: dataset.rowCount, column: keyInfo ? keyData : targetData },
    settings,
  );
  const stats = describeSplits(assignment, {
    target: targetData,
    classification,
    ...(strategy?.kind === 'time' && keyInfo ? { time: { data: keyData, info: keyInfo } } : {}),
    ...(strategy?.kind === 'group' ? { group: keyData } : {}),
  });
  const source = await fingerprintFiles(dataset.files, {
    rows: dataset.rowCount,
    columns: dataset.columns.length,
  });
  const { result } = await withStagedOutputs(options.out, async (dir) => {
    const written = await writeSplits(db, dataset, assignment, dir, (f, detail) =>
      options.onProgress?.(0.1 + 0.9 * f, detail),
    );
    const manifest: SplitManifest = {
      version: 1,
      source,
      target: target.name,
      task,
      policy: settings,
      splits: bySplit(
        SPLIT_NAMES.map((name) => {
          const { file, sha256, bytes } = written[name];
          return { file, ...stats[name], fingerprint: { sha256, bytes } };
        }),
      ),
    };
    await writeFileAtomic(join(dir, SPLIT_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  });
  return result;
}
