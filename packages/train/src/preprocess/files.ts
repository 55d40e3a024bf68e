import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ColumnInfo,
  type Database,
  quoteLiteral,
  SPLIT_NAMES,
  type SplitName,
  writeFileAtomic,
} from '@modelgate/core';
import type { ProblemSpec, TrainingSet } from '../types.js';
import { type Encoding, type EncodingOptions, encodingKey, fitEncoding } from './encoding.js';
import { encodedColumns, type FeatureMap, featureMap } from './feature-map.js';
import { float32Text } from './float-text.js';
import { encodeSet } from './matrix.js';

/** What a command with `preprocess: encoded` reads, and what its model is composed with. */
export interface EncodedSplits {
  options: EncodingOptions;
  encoding: Encoding;
  /** The encoded columns' names, in matrix order (the files' header before the target). */
  columns: string[];
  csv: Record<SplitName, string>;
  parquet: Record<SplitName, string>;
  featureMap: string;
}

/** The problem the encoding is fitted on: prepareProblem's spec, sets and column kinds. */
export interface EncodableProblem {
  spec: ProblemSpec;
  sets: Record<SplitName, TrainingSet>;
  featureColumns: readonly ColumnInfo[];
}

export const FEATURE_MAP_FILE = 'feature-map.json';

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvText(header: readonly string[], matrix: Float32Array, set: TrainingSet, width: number): string {
  const lines = [header.map(csvField).join(',')];
  const cells = new Array<string>(width + 1);
  for (let i = 0; i < set.rows; i++) {
    for (let j = 0; j < width; j++) cells[j] = float32Text(matrix[i * width + j] as number);
    cells[width] = String(set.target[i]);
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The Parquet copy of an encoded CSV: features FLOAT, the target INTEGER (class index) or DOUBLE. */
async function writeParquet(
  db: Database,
  csv: string,
  parquet: string,
  header: readonly string[],
  targetType: string,
): Promise<void> {
  const types = header.map(
    (name, j) => `${quoteLiteral(name)}: '${j < header.length - 1 ? 'FLOAT' : targetType}'`,
  );
  const tmp = `${parquet}.tmp-${process.pid}`;
  try {
    await db.run(
      `COPY (SELECT * FROM read_csv(${quoteLiteral(csv)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${types.join(', ')}})) TO ${quoteLiteral(tmp)} (FORMAT parquet)`,
    );
    await rename(tmp, parquet);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** The encoding of a prepared problem: fitted on its training split, its datetime columns known. */
export function fitProblemEncoding(problem: EncodableProblem, options: EncodingOptions): Encoding {
  const datetime = new Set(problem.featureColumns.filter((c) => c.kind === 'datetime').map((c) => c.name));
  return fitEncoding(problem.spec, problem.sets.train, datetime, options);
}

/**
 * Fits the encoding on the training split and writes into `dir` each split
 * encoded (`train.csv`, `train.parquet`, …: the encoded columns then the
 * target, the rows that have a target) and feature-map.json.
 */
export async function writeEncodedSplits(
  db: Database,
  problem: EncodableProblem,
  options: EncodingOptions,
  dir: string,
): Promise<EncodedSplits> {
  const { spec, sets } = problem;
  const encoding = fitProblemEncoding(problem, options);
  const columns = encodedColumns(encoding, spec);
  const header = [...columns.map((c) => c.name), spec.target];
  const csv = {} as Record<SplitName, string>;
  const parquet = {} as Record<SplitName, string>;
  const targetType = spec.task === 'regression' ? 'DOUBLE' : 'INTEGER';
  for (const name of SPLIT_NAMES) {
    csv[name] = join(dir, `${name}.csv`);
    parquet[name] = join(dir, `${name}.parquet`);
    const matrix = encodeSet(encoding, spec.features, sets[name]);
    await writeFileAtomic(csv[name], csvText(header, matrix, sets[name], encoding.width));
    await writeParquet(db, csv[name], parquet[name], header, targetType);
  }
  const rows = Object.fromEntries(SPLIT_NAMES.map((n) => [n, sets[n].rows])) as FeatureMap['rows'];
  const map = join(dir, FEATURE_MAP_FILE);
  await writeFileAtomic(map, `${JSON.stringify(featureMap(encoding, spec, rows), null, 2)}\n`);
  return { options, encoding, columns: columns.map((c) => c.name), csv, parquet, featureMap: map };
}

/** The directory of one encoding's files under a run's scratch directory. */
export function encodedDir(workDir: string, options: EncodingOptions): string {
  return join(workDir, 'encoded', encodingKey(options));
}
