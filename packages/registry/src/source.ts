import { lstat, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseJson, UserError } from '@modelgate/core';
import { digestBytes, type FileDigest } from './hash.js';
import { REGISTRY_FILES } from './layout.js';
import { type OnnxSummary, readOnnxSummary } from './onnx/signature.js';

/** Files a training or evaluation step leaves beside model.onnx that register picks up. */
export const SOURCE_FILES = {
  metadata: REGISTRY_FILES.metadata,
  signature: 'signature.json',
  evaluation: REGISTRY_FILES.evaluation,
  referenceProfile: REGISTRY_FILES.referenceProfile,
} as const;

export interface SourceFile {
  path: string;
  text: string;
  json: unknown;
}

/** What register copies and describes: the model bytes and the JSON files found beside it. */
export interface SourceArtifacts {
  modelPath: string;
  /** The bytes that were hashed are the bytes written: the file may change after we read it. */
  modelBytes: Uint8Array;
  model: FileDigest;
  /** Null when the bytes are not an ONNX model we can read. */
  onnx: OnnxSummary | null;
  onnxError: string | null;
  metadata: SourceFile | null;
  signature: SourceFile | null;
  evaluation: SourceFile | null;
  referenceProfile: SourceFile | null;
}

type Kind = 'file' | 'dir' | 'missing';

/** Symlinks could point anywhere, including into the registry itself: they are refused. */
async function kindOf(path: string, flag: string): Promise<Kind> {
  const info = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new UserError(`${flag} ${path}: cannot read: ${err.message}`);
  });
  if (!info) return 'missing';
  if (info.isSymbolicLink()) {
    throw new UserError(`${flag} ${path}: is a symbolic link. Expected a regular file or directory.`);
  }
  if (info.isDirectory()) return 'dir';
  if (info.isFile()) return 'file';
  throw new UserError(`${flag} ${path}: not a regular file or directory.`);
}

async function readSibling(dir: string, name: string): Promise<SourceFile | null> {
  const path = join(dir, name);
  const kind = await kindOf(path, '--model');
  if (kind === 'missing') return null;
  if (kind === 'dir') throw new UserError(`--model ${path}: is a directory. Expected a JSON file.`);
  const text = await readFile(path, 'utf8');
  return { path, text, json: parseJson(text, path) };
}

/**
 * An evaluation.json beside the model must be of these bytes: one left from an earlier model (the
 * model retrained into the same directory) would be registered as this version's evaluation.
 */
function checkEvaluatedModel(evaluation: SourceFile, modelPath: string, sha256: string): void {
  const challenger = (evaluation.json as { challenger?: { sha256?: unknown } } | null)?.challenger;
  const evaluated = typeof challenger === 'object' && challenger !== null ? challenger.sha256 : undefined;
  if (typeof evaluated !== 'string' || evaluated === sha256) return;
  throw new UserError(
    `--model ${modelPath}: ${evaluation.path} evaluated another model (sha256 ${evaluated.slice(0, 12)}…), not this one (${sha256.slice(0, 12)}…). Evaluate this model again, or move the stale ${basename(evaluation.path)} away.`,
  );
}

/** `source` is a training output directory holding model.onnx, or a model file whose siblings come along. */
export async function readSource(source: string): Promise<SourceArtifacts> {
  const kind = await kindOf(source, '--model');
  if (kind === 'missing') {
    throw new UserError(
      `--model ${source}: no such file or directory. Expected a training output directory.`,
    );
  }
  const dir = kind === 'dir' ? source : dirname(source);
  const modelPath = kind === 'dir' ? join(source, REGISTRY_FILES.model) : source;
  if (kind === 'dir' && (await kindOf(modelPath, '--model')) !== 'file') {
    throw new UserError(`--model ${source}: no ${REGISTRY_FILES.model} in this directory.`);
  }
  const bytes = await readFile(modelPath);
  if (bytes.byteLength === 0) throw new UserError(`--model ${modelPath}: the model file is empty.`);
  let onnx: OnnxSummary | null = null;
  let onnxError: string | null = null;
  try {
    onnx = readOnnxSummary(bytes);
  } catch (err) {
    onnxError = `${basename(modelPath)} is not an ONNX model we can read (${(err as Error).message})`;
  }
  const [metadata, signature, evaluation, referenceProfile] = await Promise.all(
    [
      SOURCE_FILES.metadata,
      SOURCE_FILES.signature,
      SOURCE_FILES.evaluation,
      SOURCE_FILES.referenceProfile,
    ].map((name) => readSibling(dir, name)),
  );
  const model = digestBytes(bytes);
  if (evaluation) checkEvaluatedModel(evaluation, modelPath, model.sha256);
  return {
    modelPath,
    modelBytes: bytes,
    model,
    onnx,
    onnxError,
    metadata: metadata ?? null,
    signature: signature ?? null,
    evaluation: evaluation ?? null,
    referenceProfile: referenceProfile ?? null,
  };
}
