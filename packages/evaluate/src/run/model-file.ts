import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorMessage, UserError } from '@modelgate/core';

export const MODEL_FILE = 'model.onnx';
/** What `modelgate train` writes beside model.onnx: the ProblemSpec of a bring-your-own model lives there. */
export const MODEL_SUMMARY_FILE = 'model.json';

/** Where a model came from, for the report: a file, or a version of the registry. */
export interface RegistryOrigin {
  /** The reference as given or resolved, e.g. `penguins-species#production`. */
  ref: string;
  name: string;
  version: string;
  /** The stage it was found in, when named by stage. */
  stage: string | null;
}

/** A model's bytes and how the report names it. */
export interface ModelFile {
  /** A path, or a registry reference with its version. */
  label: string;
  path: string;
  bytes: Uint8Array;
  sha256: string;
  registry: RegistryOrigin | null;
  /** The JSON of model.json beside the model, when there is one (a training output). */
  summary: unknown;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readSummary(dir: string): Promise<unknown> {
  const text = await readFile(join(dir, MODEL_SUMMARY_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A model file, or a training output directory holding model.onnx (the way
 * `modelgate register` takes it). A missing or empty file is a UserError
 * naming the flag; whether the bytes are ONNX is found out when they load.
 */
export async function readModelFile(path: string, flag: string): Promise<ModelFile> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) throw new UserError(`${flag} ${path}: no such file. Expected an ONNX model file.`);
  const file = info.isDirectory() ? join(path, MODEL_FILE) : path;
  const bytes = await readFile(file).then(
    (b) => new Uint8Array(b),
    (err: unknown) => {
      throw new UserError(
        info.isDirectory()
          ? `${flag} ${path}: a directory without ${MODEL_FILE}. Expected an ONNX model file or a training output directory.`
          : `${flag} ${file}: cannot read the model: ${errorMessage(err)}`,
      );
    },
  );
  if (bytes.length === 0) throw new UserError(`${flag} ${file}: the model file is empty.`);
  return {
    label: file,
    path: file,
    bytes,
    sha256: sha256Hex(bytes),
    registry: null,
    summary: await readSummary(dirname(file)),
  };
}
