import {
  type ColumnInfo,
  type Database,
  type DataProfile,
  type Dataset,
  describeFiles,
  quoteIdent,
  toNumber,
  UserError,
} from '@modelgate/core';
import { countOutliers, type OutlierCounts } from '../anomaly/outlier-counts.js';
import { outlierRules } from '../anomaly/outlier-rules.js';
import { alignColumns, describeKindChange } from '../chunks/align.js';
import { type ChunkPlan, PARSED_TIME_COLUMN, planChunks } from '../chunks/plan.js';
import { profileChunks } from '../chunks/profile-chunks.js';
import type { ChunkSpec } from '../chunks/spec.js';
import { resolveDriftOptions } from '../drift/options.js';
import { assessPerformance } from '../performance/assess.js';
import { OUTPUT_COLUMNS } from '../performance/columns.js';
import type { MonitorReport, Note } from '../report/types.js';
import { assembleReport, type ChunkInput, featureOptions, windowContext } from './assemble.js';
import { type MonitorOptions, resolveMonitorOptions } from './options.js';

function findColumn(dataset: Dataset, name: string, flag: string): ColumnInfo {
  const column = dataset.columns.find((c) => c.name === name);
  if (!column) {
    const names = dataset.columns.map((c) => c.name);
    throw new UserError(
      `${flag} ${name}: not a column of ${describeFiles(dataset.files)}. Columns: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}.`,
    );
  }
  return column;
}

/** Each row's chunk index (−1: in none), in row order. */
async function chunkOfRows(db: Database, table: string, plan: ChunkPlan): Promise<Int32Array> {
  const index = new Map(plan.chunks.map((c) => [c.key, c.index]));
  const rows = await db.rows<{ k: unknown }>(
    `SELECT ${plan.keySql} AS k FROM ${quoteIdent(table)} ORDER BY rowid`,
  );
  return Int32Array.from(rows, (r) => {
    const key = toNumber(r.k);
    return key === null ? -1 : (index.get(key) ?? -1);
  });
}

/** Model outputs beside the features (a prediction log): not features, so not listed as unmonitored. */
function isOutputColumn(name: string): boolean {
  return (
    name === OUTPUT_COLUMNS.label ||
    name === OUTPUT_COLUMNS.prediction ||
    name.startsWith(OUTPUT_COLUMNS.probabilityPrefix)
  );
}

function defaultChunk(time: ColumnInfo | undefined): ChunkSpec {
  return time ? { by: 'time', unit: 'day' } : { by: 'all' };
}

/**
 * Monitors a loaded data set (the current window) against a reference
 * profile: chunks it, profiles each chunk with the reference's column kinds,
 * counts robust-z outliers per chunk in one scan, and assembles the report.
 * The loaded table gains a parsed time column when its time column is text.
 */
export async function monitorDataset(
  db: Database,
  reference: DataProfile,
  dataset: Dataset,
  options: MonitorOptions = {},
): Promise<MonitorReport> {
  const base = resolveMonitorOptions(options);
  const time = base.time !== undefined ? findColumn(dataset, base.time, '--time') : undefined;
  if (base.prediction !== undefined) findColumn(dataset, base.prediction, '--prediction');
  const settings = { ...base, chunk: base.chunk ?? defaultChunk(time) };
  const features = resolveDriftOptions(
    featureOptions(reference, settings),
    Object.keys(reference.columns),
  ).features;
  const wanted = new Set([...features, ...(settings.target ? [settings.target] : [])]);
  const keep = (name: string) =>
    name !== PARSED_TIME_COLUMN &&
    (name === settings.prediction || (wanted.has(name) && name !== settings.time));
  const { columns, changes } = await alignColumns(db, dataset.table, dataset.columns, reference, keep);
  const notes: Note[] = [
    ...(options.notes ?? []),
    ...changes.map((c): Note => ({ level: 'warning', message: describeKindChange(c) })),
  ];
  const extra = dataset.columns
    .map((c) => c.name)
    .filter((n) => !(n in reference.columns) && n !== settings.time && n !== settings.prediction)
    .filter((n) => !settings.ignore.includes(n) && !(options.predictions && isOutputColumn(n)));
  if (extra.length > 0) {
    notes.push({
      level: 'notice',
      message: `not in the reference, so not monitored: ${extra
        .slice(0, 10)
        .map((n) => `'${n}'`)
        .join(', ')}${extra.length > 10 ? ', …' : ''}.`,
    });
  }
  const plan = await planChunks(db, dataset.table, settings.chunk, {
    time,
    rowCount: dataset.rowCount,
    minRows: settings.minChunkRows,
  });
  if (plan.excluded > 0) {
    notes.push({
      level: 'warning',
      message: `${plan.excluded} rows have no readable time in '${time?.name}' and are left out.`,
    });
  }
  const profiles = await profileChunks(db, dataset, columns, plan.chunks, {
    exactValues: settings.exactValues,
    onProgress: options.onProgress,
  });
  const numeric = new Map(columns.filter((c) => c.info.kind === 'numeric').map((c) => [c.info.name, c.sql]));
  const { rules } = outlierRules(
    reference,
    features.filter((f) => numeric.has(f)),
    settings.outlierThreshold,
  );
  const counts: Map<number, OutlierCounts> =
    rules.length > 0
      ? await countOutliers(
          db,
          dataset.table,
          rules,
          rules.map((r) => numeric.get(r.column) as string),
          plan.keySql,
        )
      : new Map();
  const inputs: ChunkInput[] = plan.chunks.map(({ where: _where, key, ...chunk }, i) => ({
    chunk,
    profile: profiles[i] as DataProfile,
    outliers:
      rules.length > 0
        ? (counts.get(key) ?? {
            rows: chunk.rows,
            outlierRows: 0,
            columns: rules.map(() => 0),
            estimated: false,
          })
        : null,
  }));
  const predictions = options.predictions;
  const performance = predictions
    ? {
        input: predictions,
        assessment: assessPerformance(
          predictions,
          await chunkOfRows(db, dataset.table, plan),
          plan.chunks.length,
        ),
      }
    : undefined;
  return assembleReport(
    reference,
    inputs,
    {
      input: 'data',
      excluded: plan.excluded,
      notes,
      rules,
      ...(await windowContext(
        options,
        describeFiles(dataset.files),
        inputs.map((c) => c.chunk),
      )),
      ...(performance ? { performance } : {}),
    },
    settings,
  );
}
