import { UserError } from '@modelgate/core';
import { z } from 'zod';
import type { FileDigest } from './hash.js';
import { REGISTRY_FILES } from './layout.js';
import { METADATA_FORMAT, type VersionMetadata } from './metadata.js';
import type { ModelSignature } from './onnx/signature.js';
import { SOURCE_FILES, type SourceArtifacts, type SourceFile } from './source.js';

/** What the registry knows at write time, beside the artifacts themselves. */
export interface VersionContext {
  name: string;
  version: string;
  createdAt: string;
  storage: 'git' | 'lfs';
  /** Named by the caller: wins over the training metadata's parent. */
  parent: string | null;
  /** The version registered before this one: the parent when nobody named one. */
  previous: string | null;
  codeCommit: string | null;
  configHash: string | null;
  ciRun: string | null;
  /** Digests of the other files written into the version directory. */
  files: Record<string, FileDigest>;
}

const signatureSchema = z.object({
  inputs: z.array(z.object({ name: z.string(), type: z.string(), shape: z.array(z.number().int()) })),
  outputs: z.array(z.object({ name: z.string(), type: z.string(), shape: z.array(z.number().int()) })),
});

/** Keys of the training step's metadata.json that have a place of their own in ours. */
const KNOWN_KEYS = new Set([
  'signature',
  'classes',
  'task',
  'target',
  'trainer',
  'algorithm',
  'metrics',
  'params',
  'data',
  'code',
  'commit',
  'configHash',
  'parent',
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** Numbers at any depth up to three, as `test.accuracy`. */
function flattenNumbers(value: unknown, prefix = '', depth = 0): Record<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) return prefix ? { [prefix]: value } : {};
  if (!isObject(value) || depth > 2) return {};
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(value)) {
    Object.assign(out, flattenNumbers(v, prefix ? `${prefix}.${key}` : key, depth + 1));
  }
  return out;
}

function params(value: unknown): Record<string, number | string | boolean> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (e): e is [string, number | string | boolean] =>
        typeof e[1] === 'number' || typeof e[1] === 'string' || typeof e[1] === 'boolean',
    ),
  );
}

function signatureFrom(file: SourceFile | null, value: unknown): ModelSignature | undefined {
  if (value === undefined) return undefined;
  const parsed = signatureSchema.safeParse(value);
  if (!parsed.success) {
    throw new UserError(
      `${file?.path}: signature: expected {inputs, outputs}, each a list of {name, type, shape}.`,
    );
  }
  return parsed.data;
}

function jsonList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    const list: unknown = JSON.parse(value);
    return Array.isArray(list) && list.every((c) => typeof c === 'string') && list.length > 0
      ? list
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The registry's metadata.json for a version: what the ONNX file says about
 * itself, what the training step recorded, the evaluation's metrics, and the
 * lineage the registry knows. The training metadata wins over the model's
 * own properties; the evaluation's holdout metrics win over training metrics.
 */
export function describeVersion(source: SourceArtifacts, context: VersionContext): VersionMetadata {
  const training: Json = isObject(source.metadata?.json) ? source.metadata.json : {};
  // Bytes in another format are registered only where a signature.json says what they take and
  // give; a training metadata.json's signature describes the ONNX model the step should have written.
  if (!source.onnx && !source.signature) {
    const despite = training.signature !== undefined ? ' (metadata.json beside it gives a signature)' : '';
    throw new UserError(
      `--model ${source.modelPath}: ${source.onnxError ?? 'not an ONNX model'}${despite}. Give a valid ONNX model, or, for a model in another format, its signature in ${SOURCE_FILES.signature} beside it.`,
    );
  }
  const props = source.onnx?.properties ?? {};
  const signature =
    signatureFrom(source.metadata, training.signature) ??
    signatureFrom(source.signature, source.signature?.json) ??
    source.onnx?.signature;
  if (!signature) throw new UserError(`--model ${source.modelPath}: no signature.`);
  const classes = Array.isArray(training.classes)
    ? training.classes.map(String)
    : jsonList(props['modelgate.classes']);
  const evaluation = source.evaluation?.json;
  const evaluationMetrics = flattenNumbers(
    isObject(evaluation) && 'metrics' in evaluation ? evaluation.metrics : evaluation,
  );
  const code = isObject(training.code) ? training.code : {};
  const data = isObject(training.data) ? training.data : {};
  return {
    format: METADATA_FORMAT,
    name: context.name,
    version: context.version,
    createdAt: context.createdAt,
    model: { file: REGISTRY_FILES.model, ...source.model, storage: context.storage },
    files: context.files,
    signature,
    onnx: source.onnx
      ? { irVersion: source.onnx.irVersion, producer: source.onnx.producer, opsets: source.onnx.opsets }
      : null,
    task: text(training.task) ?? text(props['modelgate.task']) ?? null,
    target: text(training.target) ?? text(props['modelgate.target']) ?? null,
    classes: classes ?? null,
    metrics: { ...flattenNumbers(training.metrics), ...evaluationMetrics },
    params: params(training.params),
    data,
    code: { commit: text(code.commit) ?? text(training.commit) ?? context.codeCommit },
    configHash: text(training.configHash) ?? context.configHash,
    trainer: text(training.trainer) ?? text(training.algorithm) ?? text(props['modelgate.algorithm']) ?? null,
    parent: context.parent ?? text(training.parent) ?? context.previous,
    ciRun: context.ciRun,
    training: Object.fromEntries(Object.entries(training).filter(([key]) => !KNOWN_KEYS.has(key))),
  };
}

/** The Actions run that registered the version, when there is one. */
export function ciRunUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const { GITHUB_ACTIONS, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT } = env;
  if (GITHUB_ACTIONS !== 'true' || !GITHUB_REPOSITORY || !GITHUB_RUN_ID) return null;
  const base = `${GITHUB_SERVER_URL ?? 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`;
  return GITHUB_RUN_ATTEMPT && GITHUB_RUN_ATTEMPT !== '1' ? `${base}/attempts/${GITHUB_RUN_ATTEMPT}` : base;
}
