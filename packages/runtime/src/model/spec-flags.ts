import { readFile } from 'node:fs/promises';
import { errorMessage, UserError } from '@modelgate/core';
import type { ModelSignature } from '../signature.js';
import { type FeatureSpec, MODEL_TASKS, type ModelSpec, parseModelSpec, type Task } from './spec.js';

/** What a user can say about a bare ONNX file that records no spec. */
export interface SpecFlags {
  /** A JSON file: {"task", "target", "features": [names or {name, kind}], "classes"}. */
  spec?: string | undefined;
  /** Feature names in input order: comma-separated, or a JSON list. */
  features?: string | undefined;
  /** Class names in probability-column order: comma-separated, or a JSON list. */
  classes?: string | undefined;
  task?: string | undefined;
}

export const SPEC_FLAGS_HELP =
  '--spec <file> (JSON: task, target, features, classes), or --features a,b,c with --classes x,y (and --task)';

export function hasSpecFlags(flags: SpecFlags | undefined): boolean {
  return (
    flags !== undefined &&
    [flags.spec, flags.features, flags.classes, flags.task].some((v) => v !== undefined)
  );
}

/** A --features or --classes value: names separated by commas, or a JSON list. */
export function nameList(flag: string, text: string): string[] {
  const trimmed = text.trim();
  let items: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      items = JSON.parse(trimmed) as unknown[];
    } catch (err) {
      throw new UserError(`${flag} ${text}: not a JSON list (${errorMessage(err)}).`);
    }
    if (!Array.isArray(items)) throw new UserError(`${flag} ${text}: expected a JSON list of names.`);
  } else items = trimmed.split(',').map((s) => s.trim());
  const names = items.map(String);
  if (names.length === 0 || names.some((n) => n === '')) {
    throw new UserError(`${flag} ${JSON.stringify(text)}: expected names separated by commas, none empty.`);
  }
  return names;
}

/** Numeric unless the model takes a string input of that name. */
function featureOf(name: string, signature: ModelSignature | undefined): FeatureSpec {
  const input = signature?.inputs.find((i) => i.name === name);
  return { name, kind: input?.type === 'string' ? 'categorical' : 'numeric' };
}

/** Per-column inputs name their features; a packed [N,F] input cannot. */
function signatureFeatures(signature: ModelSignature | undefined): FeatureSpec[] | undefined {
  if (!signature || signature.inputs.length === 0) return undefined;
  const [only, ...rest] = signature.inputs;
  const packed = only && rest.length === 0 && only.shape.length === 2 && only.shape[1] !== 1;
  return packed ? undefined : signature.inputs.map((i) => featureOf(i.name, signature));
}

async function specFile(path: string, signature: ModelSignature | undefined): Promise<ModelSpec> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new UserError(`--spec ${path}: cannot read it: ${errorMessage(err)}.`);
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`--spec ${path}: not valid JSON: ${errorMessage(err)}.`);
  }
  if (typeof raw === 'object' && raw !== null && Array.isArray((raw as { features?: unknown }).features)) {
    const withKinds = (raw as { features: unknown[] }).features.map((f) =>
      typeof f === 'string' ? featureOf(f, signature) : f,
    );
    raw = { ...raw, features: withKinds };
  }
  const spec = parseModelSpec(raw);
  if (typeof spec === 'string') throw new UserError(`--spec ${path}: ${spec}.`);
  return spec;
}

/**
 * The spec the flags describe: a spec file, or features (default: the names
 * of per-column inputs), classes and task (default: binary for two classes,
 * multiclass for more, regression without classes).
 */
export async function specFromFlags(
  flags: SpecFlags,
  signature: ModelSignature | undefined,
  label: string,
): Promise<ModelSpec> {
  if (flags.spec !== undefined) {
    if (flags.features !== undefined || flags.classes !== undefined || flags.task !== undefined) {
      throw new UserError('--spec: give the spec file alone, or --features/--classes/--task without it.');
    }
    return specFile(flags.spec, signature);
  }
  if (flags.task !== undefined && !MODEL_TASKS.includes(flags.task as Task)) {
    throw new UserError(`--task ${flags.task}: expected binary, multiclass or regression.`);
  }
  const classes = flags.classes === undefined ? undefined : nameList('--classes', flags.classes);
  const features =
    flags.features === undefined
      ? signatureFeatures(signature)
      : nameList('--features', flags.features).map((name) => featureOf(name, signature));
  if (!features) {
    throw new UserError(
      `${label}: one packed input, so the feature names are unknown: pass --features a,b,c in the input's column order (or --spec <file>).`,
    );
  }
  const task =
    (flags.task as Task | undefined) ??
    (classes ? (classes.length === 2 ? 'binary' : 'multiclass') : 'regression');
  const spec = parseModelSpec({ task, target: null, features, ...(classes ? { classes } : {}) });
  if (typeof spec === 'string')
    throw new UserError(`${label}: the spec from the flags is incomplete: ${spec}.`);
  return spec;
}
