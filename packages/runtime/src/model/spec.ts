import type { ColumnsSpec } from '../columns.js';

export type Task = ColumnsSpec['task'];
export const MODEL_TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

/** A raw column the model takes: numbers (booleans and datetimes as numbers too) or strings. */
export interface FeatureSpec {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Categorical: the training split's categories, sorted; their index is the code used everywhere. */
  categories?: string[];
}

/**
 * The one description of what a model takes and gives, built-in or brought by
 * the user: the features in input order (the column order of a packed [N,F]
 * input too), the task, the target and, for classifiers, the classes in the
 * order of the probability columns and of integer labels.
 */
export interface ModelSpec {
  task: Task;
  /** null when nothing recorded it (a bare ONNX file described by flags). */
  target: string | null;
  features: FeatureSpec[];
  classes?: string[];
}

/** The metadata_props keys that carry the spec inside the ONNX file. */
export const SPEC_METADATA_KEYS = {
  task: 'modelgate.task',
  target: 'modelgate.target',
  classes: 'modelgate.classes',
  features: 'modelgate.features',
  algorithm: 'modelgate.algorithm',
} as const;

/** A plain JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function parseFeature(value: unknown): FeatureSpec | undefined {
  if (!isObject(value) || typeof value.name !== 'string' || value.name === '') return undefined;
  if (value.kind === 'numeric') return { name: value.name, kind: 'numeric' };
  if (value.kind !== 'categorical') return undefined;
  if (value.categories === undefined) return { name: value.name, kind: 'categorical' };
  if (!isStringList(value.categories)) return undefined;
  return { name: value.name, kind: 'categorical', categories: value.categories };
}

/** A ModelSpec from untrusted JSON, or why it is not one (a phrase to follow "expected a spec: "). */
export function parseModelSpec(value: unknown): ModelSpec | string {
  if (!isObject(value)) return 'not an object';
  const { task, target, features, classes } = value;
  if (!MODEL_TASKS.includes(task as Task)) {
    return `task is ${JSON.stringify(task) ?? 'missing'}, expected binary, multiclass or regression`;
  }
  if (target !== undefined && target !== null && typeof target !== 'string') return 'target is not a string';
  if (!Array.isArray(features) || features.length === 0) return 'features is not a non-empty list';
  const parsed = features.map(parseFeature);
  const bad = parsed.indexOf(undefined);
  if (bad >= 0) {
    return `features[${bad}] is not {"name": ..., "kind": "numeric" | "categorical", "categories": [...]}`;
  }
  const names = new Set<string>();
  for (const f of parsed as FeatureSpec[]) {
    if (names.has(f.name)) return `feature '${f.name}' is listed twice`;
    names.add(f.name);
  }
  const spec: ModelSpec = {
    task: task as Task,
    target: typeof target === 'string' ? target : null,
    features: parsed as FeatureSpec[],
  };
  if (task === 'regression') return spec;
  if (!isStringList(classes) || classes.length < 2)
    return 'a classifier needs classes: a list of 2 or more names';
  if (new Set(classes).size !== classes.length) return 'classes has a name twice';
  if (task === 'binary' && classes.length !== 2) return `a binary model with ${classes.length} classes`;
  return { ...spec, classes };
}

/** The spec as the modelgate.* metadata_props carry it (plus `extra`, e.g. the algorithm). */
export function specMetadataProps(
  spec: ModelSpec,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const features = spec.features.map((f) =>
    f.categories ? { name: f.name, kind: f.kind, categories: f.categories } : { name: f.name, kind: f.kind },
  );
  return {
    [SPEC_METADATA_KEYS.task]: spec.task,
    [SPEC_METADATA_KEYS.target]: spec.target ?? '',
    [SPEC_METADATA_KEYS.classes]: JSON.stringify(spec.classes ?? []),
    [SPEC_METADATA_KEYS.features]: JSON.stringify(features),
    ...extra,
  };
}

function jsonOf(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The spec the modelgate.* metadata_props give; undefined when they carry no
 * features; a string saying why when they are there but unreadable.
 */
export function specFromMetadataProps(
  props: Readonly<Record<string, string>>,
): ModelSpec | string | undefined {
  const features = props[SPEC_METADATA_KEYS.features];
  if (features === undefined) return undefined;
  const target = props[SPEC_METADATA_KEYS.target];
  return parseModelSpec({
    task: props[SPEC_METADATA_KEYS.task],
    target: target === '' ? null : target,
    features: jsonOf(features),
    classes: jsonOf(props[SPEC_METADATA_KEYS.classes]),
  });
}
