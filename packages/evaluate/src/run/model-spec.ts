import { TASKS, type Task, UserError } from '@modelgate/core';
import { readOnnxMetadata } from '@modelgate/runtime';
import { type FeatureSpec, METADATA_KEYS, type ProblemSpec } from '@modelgate/train';
import type { ModelFile } from './model-file.js';

/** Where a model's ProblemSpec (features, categories, classes) was read from. */
export type SpecSource = 'onnx-metadata' | 'model.json' | 'training-data';

export interface ModelSpec {
  spec: ProblemSpec;
  source: SpecSource;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function feature(value: unknown): FeatureSpec | undefined {
  if (!isObject(value) || typeof value.name !== 'string') return undefined;
  if (value.kind === 'numeric') return { name: value.name, kind: 'numeric' };
  if (value.kind !== 'categorical' || !isStringList(value.categories)) return undefined;
  return { name: value.name, kind: 'categorical', categories: value.categories };
}

/** A ProblemSpec from untrusted JSON, or why it is not one. */
export function parseSpec(value: unknown): ProblemSpec | string {
  if (!isObject(value)) return 'not an object';
  const { task, target, features, classes } = value;
  if (!TASKS.includes(task as Task)) return `task is ${JSON.stringify(task)}`;
  if (typeof target !== 'string') return 'no target';
  if (!Array.isArray(features) || features.length === 0) return 'no features';
  const parsed = features.map(feature);
  const bad = parsed.indexOf(undefined);
  if (bad >= 0) return `feature ${bad} is not {name, kind: numeric | categorical (with categories)}`;
  const spec: ProblemSpec = { task: task as Task, target, features: parsed as FeatureSpec[] };
  if (task !== 'regression') {
    if (!isStringList(classes) || classes.length < 2) return 'a classifier without its classes';
    spec.classes = classes;
  }
  return spec;
}

function jsonOf(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Symbol.for('invalid');
  }
}

/**
 * The spec a model carries: the modelgate.* metadata of a built-in model, else
 * the model.json a training run wrote beside it. Undefined when neither says
 * (a bring-your-own model): the spec then comes from the training data.
 * Bytes that are not ONNX are a UserError here already.
 */
export function recordedSpec(model: ModelFile): ModelSpec | undefined {
  const props = readOnnxMetadata(model.bytes, model.label);
  const features = props[METADATA_KEYS.features];
  if (features !== undefined) {
    const spec = parseSpec({
      task: props[METADATA_KEYS.task],
      target: props[METADATA_KEYS.target],
      features: jsonOf(features),
      classes: jsonOf(props[METADATA_KEYS.classes]),
    });
    if (typeof spec === 'string') {
      throw new UserError(`${model.label}: the modelgate.* metadata of the model is unreadable: ${spec}.`);
    }
    return { spec, source: 'onnx-metadata' };
  }
  const summary = isObject(model.summary) ? parseSpec(model.summary.spec) : undefined;
  if (summary !== undefined && typeof summary !== 'string') return { spec: summary, source: 'model.json' };
  return undefined;
}

/** The model must be for the configured task and target. */
export function checkSpec(
  spec: ProblemSpec,
  config: { task: Task; target: string },
  label: string,
  source: SpecSource,
): void {
  const says = source === 'training-data' ? 'the training data gives' : `its ${source} says`;
  if (spec.task !== config.task) {
    throw new UserError(`${label}: a ${spec.task} model (${says}), but the config's task is ${config.task}.`);
  }
  if (spec.target !== config.target) {
    throw new UserError(
      `${label}: predicts '${spec.target}' (${says}), but the config's target is '${config.target}'.`,
    );
  }
  const classes = spec.classes?.length ?? 0;
  if (spec.task === 'binary' && classes !== 2) {
    throw new UserError(`${label}: a binary model with ${classes} classes (${says}); expected 2.`);
  }
}
