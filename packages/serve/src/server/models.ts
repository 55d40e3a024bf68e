import { basename, extname } from 'node:path';
import { errorMessage, UserError } from '@modelgate/core';
import { digestBytes, loadVerifiedModel, resolveRef } from '@modelgate/registry';
import {
  createSession,
  type ModelSignature,
  readModelFile,
  readOnnxMetadata,
  readSignature,
} from '@modelgate/runtime';
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
  task: string | null;
  classes: string[] | null;
  /** Every input and output has a variable first dimension, so requests can be concatenated. */
  batchable: boolean;
  loadSeconds: number;
}

/** Where a reference points right now. */
export interface ResolvedRef {
  ref: string;
  name: string;
  version: string;
  file: boolean;
}

const FILE_VERSION = 'v1';

function isFileRef(ref: string): boolean {
  return extname(ref).toLowerCase() === '.onnx';
}

export async function resolveModelRef(registry: string | undefined, ref: string): Promise<ResolvedRef> {
  if (isFileRef(ref)) return { ref, name: basename(ref, extname(ref)), version: FILE_VERSION, file: true };
  if (registry === undefined) {
    throw new UserError(`--model ${ref}: a registry reference needs --registry <dir> (or give a .onnx file)`);
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

function parseClasses(value: string | undefined): string[] | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.length > 0 ? parsed.map(String) : null;
  } catch {
    return null;
  }
}

/** Loads (sha256-verified for registry models) and inspects one version; the session is only a probe. */
export async function loadModelVersion(registry: string | undefined, at: ResolvedRef): Promise<ModelVersion> {
  const started = performance.now();
  const label = at.file ? at.ref : `${at.name} ${at.version}`;
  let bytes: Uint8Array;
  let task: string | null = null;
  let classes: string[] | null = null;
  if (at.file) {
    bytes = await readModelFile(at.ref);
  } else {
    const verified = await loadVerifiedModel(registry as string, `${at.name}@${at.version}`);
    bytes = verified.bytes;
    task = verified.metadata.task;
    classes = verified.metadata.classes;
  }
  const props = readOnnxMetadata(bytes, label);
  task ??= props['modelgate.task'] ?? null;
  classes ??= parseClasses(props['modelgate.classes']);
  const session = await createSession(bytes, { intraOpNumThreads: 1, label });
  let signature: ModelSignature;
  try {
    signature = readSignature(session);
  } finally {
    await session.release().catch(() => {});
  }
  checkSignature(label, signature);
  const batchable = [...signature.inputs, ...signature.outputs].every((t) => t.shape[0] === -1);
  return {
    key: `${at.name}@${at.version}`,
    name: at.name,
    version: at.version,
    ref: at.ref,
    bytes,
    sha256: digestBytes(bytes).sha256,
    signature,
    task,
    classes,
    batchable,
    loadSeconds: (performance.now() - started) / 1000,
  };
}

/** One row of zeros (or empty strings) per input: the warm-up request. */
export function warmupInputs(model: Pick<ModelVersion, 'signature'>): TensorData[] {
  return model.signature.inputs.map((input) => {
    const dims = input.shape.length === 0 ? [1] : input.shape.map((d) => (d < 0 ? 1 : d));
    const type = input.type as ElementType;
    const length = dims.reduce((a, b) => a * b, 1);
    return { name: input.name, type, dims, data: allocate(type, length) };
  });
}

export function describeLoadError(ref: string, err: unknown): UserError {
  return err instanceof UserError ? err : new UserError(`--model ${ref}: ${errorMessage(err)}`);
}
