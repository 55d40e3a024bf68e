import { UserError } from '@modelgate/core';
import type { ColumnsSpec } from '../columns.js';
import { readOnnxMetadata } from '../metadata.js';
import type { ModelSignature } from '../signature.js';

/** What a registry's metadata.json or a training run's model.json knows that the ONNX file may not say. */
export interface SpecHints {
  task?: string | null;
  target?: string | null;
  classes?: readonly string[] | null;
  features?: ColumnsSpec['features'] | null;
}

/** The model's raw feature columns, task and classes, as the bundle and the holdout check need them. */
export interface ExportSpec extends ColumnsSpec {
  target: string | null;
}

type Task = ColumnsSpec['task'];
type Feature = ColumnsSpec['features'][number];

const TASKS: readonly string[] = ['binary', 'multiclass', 'regression'];
const isTask = (value: unknown): value is Task => typeof value === 'string' && TASKS.includes(value);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function metadataFeatures(value: unknown): Feature[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const features: Feature[] = [];
  for (const f of value as unknown[]) {
    if (typeof f !== 'object' || f === null) return undefined;
    const { name, kind, categories } = f as Record<string, unknown>;
    if (typeof name !== 'string' || (kind !== 'numeric' && kind !== 'categorical')) return undefined;
    features.push(isStringList(categories) ? { name, kind, categories } : { name, kind });
  }
  return features;
}

/** Without modelgate.features, each model input is a raw column: string inputs categorical, others numeric. */
function signatureFeatures(signature: ModelSignature, label: string): Feature[] {
  const [only, ...rest] = signature.inputs;
  if (only && rest.length === 0 && only.shape.length === 2 && (only.shape[1] ?? -1) !== 1) {
    throw new UserError(
      `${label}: one packed input '${only.name}' and no modelgate.features metadata, so the feature names are unknown; export a model built by modelgate train or one with one input per column`,
    );
  }
  return signature.inputs.map((input) => ({
    name: input.name,
    kind: input.type === 'string' ? 'categorical' : 'numeric',
  }));
}

function guessTask(signature: ModelSignature): Task {
  const names = new Set(signature.outputs.map((o) => o.name));
  if (names.has('prediction') || (signature.outputs.length === 1 && !names.has('probabilities'))) {
    return 'regression';
  }
  return 'multiclass';
}

/**
 * The spec from the model's modelgate.* metadata, filled in from `hints`
 * (registry metadata) and the signature. A classifier must name its classes.
 */
export function exportSpec(
  bytes: Uint8Array,
  signature: ModelSignature,
  hints: SpecHints = {},
  label = 'model',
): ExportSpec {
  const props = readOnnxMetadata(bytes, label);
  const metaTask = props['modelgate.task'];
  const task: Task = isTask(metaTask) ? metaTask : isTask(hints.task) ? hints.task : guessTask(signature);
  const features =
    metadataFeatures(parseJson(props['modelgate.features'])) ??
    (hints.features ? [...hints.features] : signatureFeatures(signature, label));
  const target = props['modelgate.target'] ?? hints.target ?? null;
  const spec: ExportSpec = { task, target, features };
  if (task === 'regression') return spec;
  const metaClasses = parseJson(props['modelgate.classes']);
  const classes = isStringList(metaClasses) && metaClasses.length > 0 ? metaClasses : (hints.classes ?? []);
  if (classes.length < 2) {
    throw new UserError(
      `${label}: a ${task} model that does not name its classes (no modelgate.classes metadata); export it from the registry, which records them`,
    );
  }
  return { ...spec, classes: [...classes] };
}

/** The spec without categories: raw columns read from a file are coded by their own dictionaries. */
export function rawColumnsSpec(spec: ColumnsSpec): ColumnsSpec {
  return { ...spec, features: spec.features.map(({ name, kind }) => ({ name, kind })) };
}
