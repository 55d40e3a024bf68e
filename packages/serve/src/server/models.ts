import { basename, extname, join } from 'node:path';
import { errorMessage, pathExists, UserError } from '@modelgate/core';
import { resolveRef } from '@modelgate/registry';
import {
  MODEL_FILE,
  type ModelSignature,
  type ModelSpec,
  openModel,
  SPEC_FLAGS_HELP,
  type SpecFlags,
  type SpecSource,
  signatureOf,
  specOrNone,
} from '@modelgate/runtime';
import { type ModelIO, planModelIO } from './model-io.js';
import { allocate, type ElementType, isElementType, type TensorData } from './tensor.js';

/** One loaded model version, ready to hand to a worker pool. */
export interface ModelVersion {
  /** `name@version`: the key workers know the session by. */
  key: string;
  name: string;
  version: string;
  /** The reference this version was loaded for (e.g. `penguins#production`, or a file path). */
  ref: string;
  bytes: Uint8Array;
  sha256: string;
  signature: ModelSignature;
  /** What the model takes and gives, as the one resolver reads it; null for a bare file without flags. */
  spec: ModelSpec | null;
  specSource: SpecSource | null;
  /** The inputs requests may send and the outputs the server answers. */
  io: ModelIO;
  /** Every input and output has a variable first dimension, so requests can be concatenated. */
  batchable: boolean;
  loadSeconds: number;
}

/** What answering and logging need of a version, and all a worker is sent (no bytes, no session). */
export type ModelView = Pick<ModelVersion, 'name' | 'version' | 'io'>;

/** Where a reference points right now. */
export interface ResolvedRef {
  ref: string;
  name: string;
  version: string;
  file: boolean;
}

const FILE_VERSION = 'v1';

export async function resolveModelRef(registry: string | undefined, ref: string): Promise<ResolvedRef> {
  if (extname(ref).toLowerCase() === '.onnx') {
    return { ref, name: basename(ref, extname(ref)), version: FILE_VERSION, file: true };
  }
  // A training output (or any directory holding model.onnx) is served under the directory's name.
  if (await pathExists(join(ref, MODEL_FILE))) {
    return { ref, name: basename(ref), version: FILE_VERSION, file: true };
  }
  if (registry === undefined) {
    throw new UserError(
      `--model ${ref}: a registry reference needs --registry <dir> (or give a .onnx file or a training output directory)`,
    );
  }
  const { name, version } = await resolveRef(registry, ref);
  return { ref, name, version, file: false };
}

function checkSignature(label: string, signature: ModelSignature): void {
  for (const tensor of [...signature.inputs, ...signature.outputs]) {
    if (!isElementType(tensor.type)) {
      throw new UserError(
        `${label}: ${signature.inputs.includes(tensor) ? 'input' : 'output'} '${tensor.name}' has element type ${tensor.type}, which the server cannot carry (expected numbers, bool or strings; export classifiers without ZipMap)`,
      );
    }
  }
}

/** Why a model without a spec is served as raw tensors only: the warning `modelgate serve` logs. */
export function noSpecWarning(model: Pick<ModelVersion, 'ref'>): string {
  return `${model.ref}: the model records no spec, so it is served with its raw input and output tensors only; named feature columns (for a packed [N, F] input) and class labels need one: ${SPEC_FLAGS_HELP}`;
}

/**
 * Loads a version through the one resolver (registry versions sha256-verified),
 * with its spec (recorded, else from the flags, else none), and plans how it is
 * served; the session is only a probe.
 */
export async function loadModelVersion(
  registry: string | undefined,
  at: ResolvedRef,
  specFlags?: SpecFlags,
): Promise<ModelVersion> {
  const started = performance.now();
  const file = await openModel(at.file ? at.ref : `${at.name}@${at.version}`, {
    registry: registry ?? '',
    flag: '--model',
  });
  // One probe session for the signature, whether the flags' spec needs it first or not.
  let probe: Promise<ModelSignature> | undefined;
  const signatureOnce = () => {
    probe ??= signatureOf(file);
    return probe;
  };
  const resolved = await specOrNone(file, specFlags, signatureOnce);
  const signature = await signatureOnce();
  checkSignature(file.label, signature);
  const spec = resolved?.spec ?? null;
  const io = planModelIO(file.label, signature, spec);
  const batchable = [...signature.inputs, ...signature.outputs].every((t) => t.shape[0] === -1);
  return {
    key: `${at.name}@${at.version}`,
    name: at.name,
    version: at.version,
    ref: at.ref,
    bytes: file.bytes,
    sha256: file.sha256,
    signature,
    spec,
    specSource: resolved?.source ?? null,
    io,
    batchable,
    loadSeconds: (performance.now() - started) / 1000,
  };
}

/** One row of zeros (or empty strings) per input: the warm-up request. */
export function warmupInputs(model: Pick<ModelVersion, 'signature' | 'io'>): TensorData[] {
  return model.signature.inputs.map((input) => {
    // The accepted shape: a packed input's dynamic width is the spec's feature count.
    const shape = model.io.inputs.get(input.name)?.shape ?? input.shape;
    const dims = shape.length === 0 ? [1] : shape.map((d) => (d < 0 ? 1 : d));
    const type = input.type as ElementType;
    const length = dims.reduce((a, b) => a * b, 1);
    return { name: input.name, type, dims, data: allocate(type, length) };
  });
}

export function describeLoadError(ref: string, err: unknown): UserError {
  return err instanceof UserError ? err : new UserError(`--model ${ref}: ${errorMessage(err)}`);
}
