import { type Database, type Dataset, quoteIdent, type Task, toNumber, UserError } from '@modelgate/core';
import type { ChunkSpec } from '../chunks/spec.js';
import { formatChunkSpec } from '../chunks/spec.js';
import type { DriftOptions } from '../drift/options.js';
import { outputMask } from '../performance/assess.js';
import { hasModelOutputs, probabilityClasses, readModelOutputs } from '../performance/columns.js';
import { labelTimeSql } from '../performance/label-time.js';
import { type JoinedLabels, joinLabels, labelNotes } from '../performance/labels.js';
import { labeledPredictions, labeledRows, realizedMetrics } from '../performance/metrics.js';
import type { ModelOutputs, RowLabels } from '../performance/types.js';
import type { PredictionLogFiles } from '../prediction-log/files.js';
import { describeSkipped } from '../prediction-log/lines.js';
import { LOG_COLUMNS, loadPredictionLog } from '../prediction-log/load.js';
import type { Note } from '../report/types.js';
import { agreementRate, predictedClasses } from './agreement.js';
import { chunkPairs, comparisonUnit, type PairChunk, windowOf } from './chunks.js';
import { differenceSummaries } from './differences.js';
import { compareLatency } from './latency.js';
import { outputDrift } from './output-drift.js';
import { PAIR_TABLES, pairShadowRows, type ShadowPairs } from './pairs.js';
import {
  COMPARE_FORMAT,
  type ComparedChunk,
  type OnlineGate,
  type OnlineJudge,
  type ShadowComparison,
} from './types.js';

export interface CompareLabelsInput {
  /** The loaded labels file. */
  dataset: Dataset;
  column: string;
  source: string;
}

export interface ShadowCompareOptions {
  model?: string | null;
  /** The model's task and classes (from the registry); read off the log's outputs when absent. */
  task?: Task;
  classes?: readonly string[];
  chunk?: ChunkSpec;
  drift?: DriftOptions;
  labels?: CompareLabelsInput;
  judge?: OnlineJudge;
  createdAt?: string;
}

function taskOf(dataset: Dataset, options: ShadowCompareOptions): Task {
  if (options.task) return options.task;
  const classes = probabilityClasses(dataset.columns).length;
  if (classes >= 2) return classes === 2 ? 'binary' : 'multiclass';
  if (dataset.columns.some((c) => c.name === 'prediction')) return 'regression';
  throw new UserError(
    `${dataset.files[0] ?? dataset.table}: the model's task is unknown (no probability_<class> or prediction outputs). Pass --model, or a modelgate.yaml with 'task'.`,
  );
}

function labelKeys(labels: Dataset): string[] {
  return labels.columns.some((c) => c.name === LOG_COLUMNS.row)
    ? [LOG_COLUMNS.requestId, LOG_COLUMNS.row]
    : [LOG_COLUMNS.requestId];
}

/** Labels whose id (and row, and time) names a row only one of the two models scored. */
async function excludedLabels(
  db: Database,
  labels: Dataset,
  keys: readonly string[],
  timeSql: string | null,
): Promise<number> {
  const withRow = keys.includes(LOG_COLUMNS.row);
  const compared = timeSql ? 'id, r, t' : 'id, r';
  const names = ['id', ...(withRow ? ['r'] : []), ...(timeSql ? ['t'] : [])];
  const fromLog = names.map((n) => (n === 'r' ? 'CAST(r AS VARCHAR) AS r' : n));
  const fromLabels = [
    `CAST(${quoteIdent(LOG_COLUMNS.requestId)} AS VARCHAR) AS id`,
    ...(withRow ? [`CAST(${quoteIdent(LOG_COLUMNS.row)} AS VARCHAR) AS r`] : []),
    ...(timeSql ? [`${timeSql} AS t`] : []),
  ];
  const row = await db.first<{ n: unknown }>(
    `WITH paired AS (SELECT k.id, k.r, k.t FROM ${quoteIdent(PAIR_TABLES.pairs)} x JOIN ${quoteIdent(PAIR_TABLES.keyed)} k ON k.rid = x.p_rid),
     unpaired AS (SELECT DISTINCT ${fromLog.join(', ')} FROM (SELECT ${compared} FROM ${quoteIdent(PAIR_TABLES.keyed)} EXCEPT SELECT ${compared} FROM paired)),
     labelled AS (SELECT DISTINCT ${fromLabels.join(', ')} FROM ${quoteIdent(labels.table)})
     SELECT count(*) AS n FROM labelled JOIN unpaired USING (${names.join(', ')})`,
  );
  return toNumber(row?.n) ?? 0;
}

/** The model a side's rows name, where they name one only. */
const onlyName = (names: readonly string[]) => (names.length === 1 ? (names[0] ?? null) : null);

/** A promotion (or reload) inside the window: the paired statistics pool the versions, which the report must say. */
function versionNotes({ versions, models }: Pick<ShadowPairs, 'versions' | 'models'>): Note[] {
  const notes: Note[] = [];
  for (const side of ['production', 'shadow'] as const) {
    if (versions[side].length > 1) {
      notes.push({
        level: 'warning',
        message: `the ${side} rows come from ${versions[side].length} versions (${versions[side].join(', ')}), a promotion or reload inside the window; the statistics pool them.`,
      });
    }
  }
  const sameModel = models.production.length === 1 && models.shadow.join() === models.production.join();
  const both = sameModel ? versions.production.filter((v) => versions.shadow.includes(v)) : [];
  if (both.length > 0) {
    notes.push({
      level: 'warning',
      message: `version ${both.join(', ')} scored rows both as production and as the shadow: for those the shadow was compared with itself.`,
    });
  }
  return notes;
}

interface Sides {
  production: ModelOutputs;
  shadow: ModelOutputs;
  labels: RowLabels | null;
}

function chunkReport(
  chunk: PairChunk,
  sides: Sides,
  drift: DriftOptions,
  extras: Pick<ComparedChunk, 'difference' | 'latency'>,
  judge: OnlineJudge | undefined,
): ComparedChunk {
  const { production, shadow, labels } = sides;
  const labeled = labels ? labeledRows(labels, chunk.rows) : new Int32Array();
  const judged =
    labels && judge && labeled.length > 0
      ? judge({
          production: labeledPredictions(production, labels, labeled),
          shadow: labeledPredictions(shadow, labels, labeled),
        })
      : null;
  const agreement =
    production.task === 'regression'
      ? null
      : agreementRate(predictedClasses(production), predictedClasses(shadow), chunk.rows);
  return {
    label: chunk.label,
    start: chunk.start,
    end: chunk.end,
    rows: chunk.rows.length,
    agreement,
    difference: extras.difference,
    drift: outputDrift(production, shadow, chunk.rows, drift),
    latency: extras.latency,
    labeled: labeled.length,
    metrics:
      labels && labeled.length > 0
        ? {
            production: realizedMetrics(production, labels, labeled),
            shadow: realizedMetrics(shadow, labels, labeled),
          }
        : null,
    gate: judged,
  };
}

function verdictOf(
  gate: OnlineGate | null,
  labeled: number,
  hasLabels: boolean,
  judged: boolean,
): ShadowComparison['verdict'] {
  if (gate) return { status: gate.pass ? 'pass' : 'fail', summary: gate.summary };
  if (!hasLabels)
    return { status: 'pending', summary: 'pending: no labels yet (--labels), so no online verdict' };
  if (labeled === 0)
    return { status: 'pending', summary: 'pending: no label matched a row both models scored' };
  return {
    status: 'pending',
    summary: judged ? 'pending: the gate was not run' : 'pending: no gate to judge with',
  };
}

async function readSides(db: Database, pairs: ShadowPairs, task: Task, known?: readonly string[]) {
  for (const [side, data] of [
    ['production', pairs.production],
    ['shadow', pairs.shadow],
  ] as const) {
    if (!hasModelOutputs(data.columns, task)) {
      throw new UserError(
        `${data.files[0] ?? data.table}: the ${side} rows have no ${task === 'regression' ? "'prediction'" : "'probability_<class>' or 'label'"} outputs to compare.`,
      );
    }
  }
  const production = await readModelOutputs(
    db,
    pairs.production.table,
    pairs.production.columns,
    task,
    known,
  );
  const shadow = await readModelOutputs(
    db,
    pairs.shadow.table,
    pairs.shadow.columns,
    task,
    production.classes,
  );
  return { production, shadow };
}

/**
 * The production model and its shadow on the same live requests, per time
 * chunk and for the window: agreement (or the prediction difference), drift
 * of the shadow's outputs from production's, latency of each, and with late
 * labels each model's metrics on the same rows and the holdout gate's verdict.
 */
export async function compareShadow(
  db: Database,
  log: PredictionLogFiles,
  options: ShadowCompareOptions = {},
): Promise<ShadowComparison> {
  if (log.shadows.length === 0) {
    throw new UserError(
      `${log.dir}: the prediction log has no shadow-<hour>Z.jsonl files, so there is nothing to compare. Serve with --shadow <model>#<stage> to log a second model's predictions.`,
    );
  }
  const chunkSpec = options.chunk ?? { by: 'time', unit: 'hour' };
  const unit = comparisonUnit(chunkSpec);
  const loaded = await loadPredictionLog(db, { ...log, predictions: [...log.predictions, ...log.shadows] });
  const pairs = await pairShadowRows(db, loaded);
  if (pairs.counts.paired === 0) {
    throw new UserError(
      `${log.dir}: no shadow row has a production row with the same request_id and row (${pairs.counts.shadow} shadow rows, ${pairs.counts.production} production rows).`,
    );
  }
  const task = taskOf(pairs.production, options);
  const { production, shadow } = await readSides(db, pairs, task, options.classes);
  const notes: Note[] = [
    ...describeSkipped(loaded.skipped).map((message): Note => ({ level: 'warning', message })),
    ...versionNotes(pairs),
  ];
  let labels: RowLabels | null = null;
  let labelReport: ShadowComparison['labels'] = null;
  if (options.labels) {
    const keys = labelKeys(options.labels.dataset);
    const joined: JoinedLabels = await joinLabels(
      db,
      pairs.production,
      options.labels.dataset,
      { keys, column: options.labels.column },
      production,
    );
    labels = joined.labels;
    const excluded = await excludedLabels(
      db,
      options.labels.dataset,
      keys,
      joined.byTime ? await labelTimeSql(db, options.labels.dataset) : null,
    );
    labelReport = {
      source: options.labels.source,
      rows: joined.rows,
      matched: joined.matched,
      excluded,
      unknown: joined.unknown,
    };
    if (excluded > 0) {
      notes.push({
        level: 'notice',
        message: `--labels ${options.labels.source}: ${excluded} labels are for rows only one model scored; left out of the paired statistics.`,
      });
    }
    notes.push(...labelNotes(joined, options.labels.source, production));
  }
  // A pair where either model gave no outputs (NaN, logged as null) has nothing to compare.
  const productionScored = outputMask(production);
  const shadowScored = outputMask(shadow);
  const scored = (r: number) => (productionScored[r] as number) >= 1 && (shadowScored[r] as number) >= 1;
  const keepScored = (c: PairChunk): PairChunk => ({ ...c, rows: c.rows.filter(scored) });
  const chunks = chunkPairs(pairs.times, unit).map(keepScored);
  const window = keepScored(windowOf(pairs.times));
  const unscored = pairs.counts.paired - window.rows.length;
  if (unscored > 0) {
    notes.push({
      level: 'warning',
      message: `${unscored} paired rows have no prediction from one of the models (no label, and a null probability or prediction: the model gave NaN); left out of the comparison.`,
    });
  }
  const { latency, skipped: skippedRequests } = await compareLatency(db, log, loaded, chunks, window);
  if (skippedRequests) {
    notes.push(...describeSkipped(skippedRequests).map((message): Note => ({ level: 'warning', message })));
  }
  const differences =
    task === 'regression'
      ? await differenceSummaries(
          db,
          production.prediction ?? new Float64Array(),
          shadow.prediction ?? new Float64Array(),
          chunks,
          window,
        )
      : [...chunks, window].map(() => null);
  const sides = { production, shadow, labels };
  const drift = options.drift ?? {};
  const reports = [...chunks, window].map((c, k) =>
    chunkReport(
      c,
      sides,
      drift,
      {
        difference: differences[k] ?? null,
        latency: latency[k] ?? { production: null, shadow: null },
      },
      options.judge,
    ),
  );
  const windowReport = reports.pop() as ComparedChunk;
  const gate = windowReport.gate;
  return {
    format: COMPARE_FORMAT,
    // Without --model, the production model the log's own lines name (when they name one).
    model: options.model ?? onlyName(pairs.models.production),
    shadowModel: onlyName(pairs.models.shadow),
    task,
    classes: production.classes,
    versions: pairs.versions,
    source: log.dir,
    createdAt: options.createdAt ?? new Date().toISOString(),
    chunk: formatChunkSpec(chunkSpec),
    rows: pairs.counts,
    window: windowReport,
    chunks: reports,
    labels: labelReport,
    gate,
    verdict: verdictOf(gate, windowReport.labeled, labels !== null, options.judge !== undefined),
    notes,
  };
}
