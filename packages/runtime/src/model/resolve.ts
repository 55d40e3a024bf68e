import { pathExists, UserError } from '@modelgate/core';
import { loadVerifiedModel, parseModelRef } from '@modelgate/registry';
import { readOnnxMetadata } from '../metadata.js';
import { createSession } from '../session.js';
import { type ModelSignature, readSignature } from '../signature.js';
import { type ModelFile, readModelPath } from './model-file.js';
import { isObject, type ModelSpec, parseModelSpec, specFromMetadataProps } from './spec.js';
import { refuseConflictingSpecFlags } from './spec-conflict.js';
import { hasSpecFlags, SPEC_FLAGS_HELP, type SpecFlags, specFromFlags } from './spec-flags.js';

/** Where a model's spec was read from. */
export type SpecSource = 'onnx-metadata' | 'metadata.json' | 'flags' | 'training-data';

export interface ResolvedSpec {
  spec: ModelSpec;
  source: SpecSource;
}

export type ResolvedModel = ModelFile & ResolvedSpec;

/** A training output's metadata.json has `spec`; a registry version's keeps it under `training`. */
function metadataSpec(metadata: unknown): unknown {
  if (!isObject(metadata)) return undefined;
  if (metadata.spec !== undefined) return metadata.spec;
  return isObject(metadata.training) ? metadata.training.spec : undefined;
}

/**
 * The spec the model records: the modelgate.* metadata inside the ONNX file,
 * else the metadata.json beside it. Undefined when neither says; a record that
 * is there but unreadable is a UserError naming it.
 */
export function recordedSpec(model: ModelFile): ResolvedSpec | undefined {
  const fromProps = specFromMetadataProps(readOnnxMetadata(model.bytes, model.label));
  if (typeof fromProps === 'string') {
    throw new UserError(`${model.label}: the modelgate.* metadata in the model is unreadable: ${fromProps}.`);
  }
  if (fromProps) return { spec: fromProps, source: 'onnx-metadata' };
  const raw = metadataSpec(model.metadata);
  if (raw === undefined) return undefined;
  const spec = parseModelSpec(raw);
  if (typeof spec === 'string') {
    throw new UserError(`${model.label}: the spec in the metadata.json beside it is unreadable: ${spec}.`);
  }
  return { spec, source: 'metadata.json' };
}

/** The model's inputs and outputs, from a session opened only to read them. */
export async function signatureOf(model: ModelFile): Promise<ModelSignature> {
  const session = await createSession(model.bytes, { label: model.label, intraOpNumThreads: 1 });
  try {
    return readSignature(session);
  } finally {
    await session.release().catch(() => {});
  }
}

export function noSpecError(label: string): UserError {
  return new UserError(
    `${label}: the model records no spec (no modelgate.* metadata in the ONNX file, no metadata.json with a spec beside it). Describe it with ${SPEC_FLAGS_HELP}.`,
  );
}

/**
 * The recorded spec (flags that contradict it are refused: they would be ignored), else the one the
 * flags describe, read against `signature` (asked only then), else undefined.
 */
export async function specOrNone(
  model: ModelFile,
  flags: SpecFlags | undefined,
  signature: () => Promise<ModelSignature>,
): Promise<ResolvedSpec | undefined> {
  const recorded = recordedSpec(model);
  const given = flags !== undefined && hasSpecFlags(flags);
  if (recorded) {
    if (given) await refuseConflictingSpecFlags(recorded.spec, flags, model.label);
    return recorded;
  }
  if (!given) return undefined;
  return { spec: await specFromFlags(flags, await signature(), model.label), source: 'flags' };
}

/**
 * The recorded spec (flags that contradict it are refused), else the one the flags describe;
 * neither is one clear UserError saying what gives it.
 */
export async function modelSpecOf(model: ModelFile, flags?: SpecFlags): Promise<ResolvedSpec> {
  const resolved = await specOrNone(model, flags, () => signatureOf(model));
  if (!resolved) throw noSpecError(model.label);
  return resolved;
}

/** A registered version, read only after its sha256 matches the registry's record. */
export async function registryModel(registry: string, ref: string, stage: string | null): Promise<ModelFile> {
  const verified = await loadVerifiedModel(registry, ref);
  return {
    label: `${verified.name}@${verified.version}`,
    path: verified.path,
    bytes: verified.bytes,
    sha256: verified.metadata.model.sha256,
    registry: { ref, name: verified.name, version: verified.version, stage },
    metadata: verified.metadata,
  };
}

export interface OpenModelOptions {
  /** The registry directory references are looked up in. */
  registry: string;
  /** How messages name the argument (default --model). */
  flag?: string;
}

/**
 * A model argument as every command takes it: an ONNX file or a directory
 * holding model.onnx (a training output, a registry version) when the path
 * exists, else a registry reference (name#stage, name@v3).
 */
export async function openModel(model: string, options: OpenModelOptions): Promise<ModelFile> {
  const flag = options.flag ?? '--model';
  if (await pathExists(model)) return readModelPath(model, flag);
  let ref: ReturnType<typeof parseModelRef>;
  try {
    ref = parseModelRef(model);
  } catch {
    throw new UserError(
      `${flag} ${model}: no such file, and not a registry reference (name#stage, name@v3).`,
    );
  }
  if (/\.onnx$/i.test(model) || model.includes('/')) throw new UserError(`${flag} ${model}: no such file.`);
  if (!(await pathExists(options.registry))) {
    throw new UserError(`${flag} ${model}: no registry at ${options.registry} (pass --registry <dir>).`);
  }
  return registryModel(options.registry, model, ref.kind === 'stage' ? ref.stage : null);
}

/** The one resolver: the model's bytes, where they came from, and its spec. */
export async function resolveModel(
  model: string,
  options: OpenModelOptions & { specFlags?: SpecFlags },
): Promise<ResolvedModel> {
  const file = await openModel(model, options);
  return { ...file, ...(await modelSpecOf(file, options.specFlags)) };
}
