import {
  type Database,
  type Dataset,
  describeFiles,
  gatherRows,
  loadDataset,
  quoteIdent,
  type Task,
  UserError,
} from '@modelgate/core';
import {
  type Calibrator,
  classIndex,
  fitCalibrator,
  hasModelOutputs,
  joinLabels,
  LOG_COLUMNS,
  labelNotes,
  type ModelOutputs,
  type Note,
  type PerformanceInput,
  probabilityClasses,
  readModelOutputs,
} from '@modelgate/monitor';
import { type MonitoredModel, scoreDataset } from './monitor-model.js';

export interface PerformanceFlags {
  labels?: string;
  labelId?: string;
  labelColumn?: string;
  referenceData?: string;
}

export interface PerformanceContext {
  model: MonitoredModel | null;
  /** The config's task, when there is a config. */
  task: Task | undefined;
  /** The label column: the config's target, else the registry's. */
  target: string | undefined;
  /** The config's id columns. */
  ids: readonly string[];
}

function taskOf(current: Dataset, context: PerformanceContext): Task | undefined {
  if (context.model) return context.model.task;
  if (context.task) return context.task;
  const classes = probabilityClasses(current.columns).length;
  if (classes >= 2) return classes === 2 ? 'binary' : 'multiclass';
  return current.columns.some((c) => c.name === 'prediction') ? 'regression' : undefined;
}

async function outputsOf(
  db: Database,
  data: Dataset,
  task: Task,
  context: PerformanceContext,
  classes: readonly string[] | undefined,
  flag: string,
): Promise<ModelOutputs> {
  if (hasModelOutputs(data.columns, task))
    return readModelOutputs(db, data.table, data.columns, task, classes);
  if (context.model) return scoreDataset(db, data, context.model);
  throw new UserError(
    `${flag}: ${describeFiles(data.files)} has no model outputs (probability_<class>, label or prediction columns) and there is no --model to score it with.`,
  );
}

function labelKeys(
  current: Dataset,
  labels: Dataset,
  flags: PerformanceFlags,
  context: PerformanceContext,
): string[] {
  const has = (name: string, data = current) => data.columns.some((c) => c.name === name);
  const id = flags.labelId ?? (has(LOG_COLUMNS.requestId) ? LOG_COLUMNS.requestId : context.ids[0]);
  if (!id) {
    throw new UserError(
      `--labels ${flags.labels}: no id to join the labels by. Pass --label-id <column> (a request id or row id present in both files), or set 'id' in modelgate.yaml.`,
    );
  }
  // A prediction log request may score many rows: the row within it completes the key, when the labels give it.
  return id === LOG_COLUMNS.requestId && has(LOG_COLUMNS.row) && has(LOG_COLUMNS.row, labels)
    ? [id, LOG_COLUMNS.row]
    : [id];
}

async function calibration(
  db: Database,
  path: string,
  outputs: ModelOutputs,
  context: PerformanceContext,
  labelColumn: string | undefined,
): Promise<Calibrator> {
  const data = await loadDataset(db, { path }, { table: 'reference_predictions' });
  const name = describeFiles(data.files);
  const column = labelColumn ?? context.target;
  if (!column || !data.columns.some((c) => c.name === column)) {
    throw new UserError(
      `--reference-data ${path}: needs the label column '${column ?? '?'}' beside the features (the holdout split, say). Columns: ${data.columns
        .map((c) => c.name)
        .slice(0, 20)
        .join(', ')}.`,
    );
  }
  const scored = await outputsOf(db, data, outputs.task, context, outputs.classes, '--reference-data');
  const classes = outputs.classes.length;
  if (!scored.probabilities || scored.classes.join('\u0000') !== outputs.classes.join('\u0000')) {
    throw new UserError(
      `--reference-data ${path}: no class probabilities for the classes ${outputs.classes.join(', ')}.`,
    );
  }
  const rows = await db.rows<{ y: unknown }>(
    `SELECT CAST(${quoteIdent(column)} AS VARCHAR) AS y FROM ${quoteIdent(data.table)} ORDER BY rowid`,
  );
  const index = classIndex(outputs.classes, data.columns.find((c) => c.name === column)?.kind === 'boolean');
  const kept = rows.flatMap((r, i) => (index.has(String(r.y)) ? [i] : []));
  if (kept.length === 0) {
    throw new UserError(
      `${name}: no row of '${column}' is a class of the model (${outputs.classes.join(', ')}).`,
    );
  }
  const keep = Int32Array.from(kept);
  const yTrue = Int32Array.from(kept, (i) => index.get(String(rows[i]?.y)) as number);
  return fitCalibrator(yTrue, gatherRows(scored.probabilities, keep, classes), classes);
}

/**
 * What performance monitoring needs, when the run can have it: the model's
 * outputs (from the data, or by running the model), late labels joined by
 * id, and the CBPE calibration fitted on labeled reference predictions.
 * Undefined when there is nothing to measure (no outputs, labels or reference data).
 */
export async function performanceInput(
  db: Database,
  current: Dataset,
  flags: PerformanceFlags,
  context: PerformanceContext,
): Promise<{ input: PerformanceInput; notes: Note[] } | undefined> {
  const task = taskOf(current, context);
  const wanted =
    Boolean(flags.labels || flags.referenceData) ||
    (task !== undefined && hasModelOutputs(current.columns, task));
  if (!wanted) return undefined;
  if (!task) {
    throw new UserError(
      `${flags.labels ? '--labels' : '--reference-data'}: the model's task is unknown. Pass --model, or a modelgate.yaml with 'task'.`,
    );
  }
  const notes: Note[] = [];
  const outputs = await outputsOf(
    db,
    current,
    task,
    context,
    context.model?.classes,
    flags.labels ? '--labels' : '--current',
  );
  let labels: PerformanceInput['labels'] = null;
  let labelFile: PerformanceInput['labelFile'];
  if (flags.labels) {
    const file = await loadDataset(db, { path: flags.labels }, { table: 'labels' });
    const column = flags.labelColumn ?? context.target;
    if (!column)
      throw new UserError(
        `--labels ${flags.labels}: which column is the label? Pass --label-column <column>.`,
      );
    const joined = await joinLabels(
      db,
      current,
      file,
      { keys: labelKeys(current, file, flags, context), column },
      outputs,
    );
    labels = joined.labels;
    labelFile = { rows: joined.rows, matched: joined.matched };
    notes.push(...labelNotes(joined, flags.labels, outputs));
  }
  let calibrator: Calibrator | null = null;
  if (flags.referenceData && task !== 'regression') {
    calibrator = await calibration(db, flags.referenceData, outputs, context, flags.labelColumn);
  } else if (task !== 'regression' && outputs.probabilities) {
    notes.push({
      level: 'notice',
      message:
        'CBPE estimates read the probabilities as they are; pass --reference-data <holdout with labels> to calibrate them on the reference.',
    });
  }
  const input: PerformanceInput = {
    outputs,
    labels,
    calibrator,
    holdout: context.model?.holdout ?? {},
    sources: {
      ...(flags.labels ? { labels: flags.labels } : {}),
      ...(flags.referenceData ? { calibration: flags.referenceData } : {}),
      ...(context.model ? { holdout: context.model.holdoutSource } : {}),
    },
    ...(labelFile ? { labelFile } : {}),
  };
  return { input, notes };
}
