import { join } from 'node:path';
import {
  type CategoricalColumn,
  type ColumnData,
  type Database,
  type Dataset,
  describeFiles,
  type NumericColumn,
  readColumns,
  type Task,
  UserError,
} from '@modelgate/core';
import type { ModelOutputs, PerformanceMetric } from '@modelgate/monitor';
import { REGISTRY_FILES, type VersionMetadata } from '@modelgate/registry';
import {
  createSession,
  type ExecutionProvider,
  modelSpecOf,
  readModelPath,
  runOnColumns,
} from '@modelgate/runtime';
import { categoricalFeature, numericFeature, type ProblemSpec } from '@modelgate/train';

/** A registered model as monitoring uses it: its spec to score data, its holdout metrics to compare with. */
export interface MonitoredModel {
  label: string;
  task: Task;
  target: string | null;
  classes: readonly string[];
  holdout: Partial<Record<PerformanceMetric, number>>;
  holdoutSource: string;
  /** Where it scores (--device): cpu unless set. */
  provider?: ExecutionProvider;
  /** Reads and checks model.onnx on first use: runs that do not score never load it. */
  load(): Promise<{ bytes: Uint8Array; spec: ProblemSpec }>;
}

const HOLDOUT_METRICS: readonly PerformanceMetric[] = [
  'accuracy',
  'f1',
  'f1_macro',
  'roc_auc',
  'mae',
  'rmse',
  'r2',
];

export function monitoredModel(
  path: string,
  label: string,
  metadata: VersionMetadata,
): MonitoredModel | null {
  const task = metadata.task as Task | null;
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') return null;
  const holdout: Partial<Record<PerformanceMetric, number>> = {};
  for (const m of HOLDOUT_METRICS) if (metadata.metrics[m] !== undefined) holdout[m] = metadata.metrics[m];
  return {
    label,
    task,
    target: metadata.target,
    classes: metadata.classes ?? [],
    holdout,
    holdoutSource: join(path, REGISTRY_FILES.metadata),
    load: async () => {
      // The resolver checks the version's sha256 against its metadata.json before anything runs.
      const file = await readModelPath(path, label);
      const { spec } = await modelSpecOf(file);
      return { bytes: file.bytes, spec: { ...spec, target: spec.target ?? metadata.target ?? '' } };
    },
  };
}

/** The model's outputs on every row of a loaded table, its features encoded as training did. */
export async function scoreDataset(
  db: Database,
  dataset: Dataset,
  model: MonitoredModel,
): Promise<ModelOutputs> {
  const { bytes, spec } = await model.load();
  const byName = new Map(dataset.columns.map((c) => [c.name, c]));
  const reads = spec.features.map((f) => {
    const info = byName.get(f.name);
    if (!info) {
      throw new UserError(
        `${describeFiles(dataset.files)}: no column '${f.name}', a ${f.kind} feature of ${model.label}, so the model cannot score it.`,
      );
    }
    return f.kind === 'categorical' ? { ...info, kind: 'categorical' as const } : info;
  });
  const raw = await readColumns(db, dataset.table, reads, dataset.rowCount);
  const keep = Int32Array.from({ length: dataset.rowCount }, (_, i) => i);
  const features = spec.features.map((f, i): ColumnData => {
    const column = raw[i] as ColumnData;
    if (f.kind === 'categorical')
      return categoricalFeature(
        column as CategoricalColumn,
        keep,
        f.categories ?? (column as CategoricalColumn).dictionary,
      );
    if ('codes' in column) {
      throw new UserError(
        `${describeFiles(dataset.files)}: column '${f.name}' holds text, but ${model.label} takes it as a number.`,
      );
    }
    return numericFeature(column as NumericColumn, keep);
  });
  const session = await createSession(bytes, { label: model.label, provider: model.provider ?? 'cpu' });
  try {
    const out = await runOnColumns(session, spec, { rows: dataset.rowCount, features });
    if (spec.task === 'regression') {
      return { task: 'regression', classes: [], prediction: Float64Array.from(out.prediction ?? []) };
    }
    return {
      task: spec.task,
      classes: spec.classes ?? [],
      ...(out.probabilities && out.probabilities.length > 0 ? { probabilities: out.probabilities } : {}),
      ...(out.label ? { yPred: out.label } : {}),
    };
  } finally {
    await session.release();
  }
}
