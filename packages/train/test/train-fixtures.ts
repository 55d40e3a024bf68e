import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Database,
  fingerprintFiles,
  type ModelgateConfig,
  parseConfig,
  quoteLiteral,
  SPLIT_MANIFEST_FILE,
  SPLIT_NAMES,
  type SplitManifest,
  type SplitName,
  type Task,
  withStagedOutputs,
} from '@modelgate/core';
import {
  type PlanOptions,
  plannedTrialDir,
  readPlan,
  runPlannedTrial,
  type TrainPlan,
  withStagedDirectories,
  writePlan,
} from '../src/run/index.js';

/** A config from YAML lines added to a minimal one (target y, data unused when splits are given). */
export function configFor(task: Task, extra = '', target = 'y'): ModelgateConfig {
  return parseConfig(`model: m\ntask: ${task}\ntarget: ${target}\ndata: unused.csv\n${extra}`, 'test.yaml');
}

export interface HandSplits {
  /** Column definitions, e.g. `x DOUBLE, c VARCHAR, y VARCHAR`. */
  schema: string;
  /** SQL VALUES rows per split, e.g. `(1, 'a', 'p'), (2, 'b', 'q')`; empty for no rows. */
  rows: Record<SplitName, string>;
  target?: string;
  task?: Task;
}

/**
 * A split directory as `modelgate split` writes it, with rows chosen by the
 * test: Parquet files written by DuckDB and a splits.json whose digests match.
 */
export async function writeSplitDirectory(db: Database, dir: string, splits: HandSplits): Promise<string> {
  await mkdir(dir, { recursive: true });
  const reports = {} as SplitManifest['splits'];
  for (const name of SPLIT_NAMES) {
    const table = `hand_${name}`;
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} (${splits.schema})`);
    if (splits.rows[name].trim()) await db.run(`INSERT INTO ${table} VALUES ${splits.rows[name]}`);
    const file = `${name}.parquet`;
    await db.run(`COPY ${table} TO ${quoteLiteral(join(dir, file))} (FORMAT parquet)`);
    const rows = Number((await db.first(`SELECT count(*) AS n FROM ${table}`)).n);
    const print = await fingerprintFiles([join(dir, file)], { rows, columns: 0 });
    reports[name] = {
      file,
      rows,
      nullTargets: 0,
      fingerprint: { sha256: print.sha256, bytes: print.files[0]?.bytes ?? 0 },
    };
  }
  const manifest: SplitManifest = {
    version: 1,
    source: { sha256: '0'.repeat(64), rows: 0, columns: 0, files: [] },
    target: splits.target ?? 'y',
    task: splits.task ?? 'binary',
    policy: { by: 'random', validation: 0.2, test: 0.2, seed: 1 },
    splits: reports,
  };
  await writeFile(join(dir, SPLIT_MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return dir;
}

/** The workflow's plan job: `train plan` into `planDir`, read back as the matrix jobs read it. */
export async function writeTrainPlan(
  db: Database,
  planDir: string,
  options: PlanOptions,
): Promise<TrainPlan> {
  await withStagedOutputs(planDir, (dir) => writePlan(db, dir, options));
  return readPlan(planDir);
}

/** One matrix job: trial `id` of the plan into its directory, the trainer's output/ replaced as a rerun does. */
export async function runMatrixJob(
  db: Database,
  plan: TrainPlan,
  planDir: string,
  id: number,
): Promise<void> {
  await withStagedDirectories(plannedTrialDir(planDir, id), ['output'], (dir) =>
    runPlannedTrial(db, plan, planDir, id, dir),
  );
}
