import { stat } from 'node:fs/promises';
import { UserError } from '@modelgate/core';
import { type ModelFile, readModelFile, recordedSpec } from '@modelgate/evaluate';
import { loadVerifiedModel, parseModelRef } from '@modelgate/registry';
import type { BatchModel } from '@modelgate/runtime';

/** The model to score with, and how the summary names its version. */
export interface PredictModel extends BatchModel {
  /** name@version for a registered model, else the file's sha256 prefix. */
  version: string;
  sha256: string;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function registered(registry: string, ref: string): Promise<ModelFile> {
  try {
    parseModelRef(ref);
  } catch {
    throw new UserError(`--model ${ref}: no such file, and not a registry reference (name#stage, name@v3).`);
  }
  if (/\.onnx$/i.test(ref) || ref.includes('/')) throw new UserError(`--model ${ref}: no such file.`);
  if (!(await exists(registry))) {
    throw new UserError(`--model ${ref}: no registry at ${registry} (pass --registry <dir>).`);
  }
  // The sha256 is checked against the registry's record before the bytes are used.
  const verified = await loadVerifiedModel(registry, ref);
  return {
    label: `${verified.name}@${verified.version}`,
    path: verified.path,
    bytes: verified.bytes,
    sha256: verified.metadata.model.sha256,
    registry: { ref, name: verified.name, version: verified.version, stage: null },
    summary: undefined,
  };
}

/** A model file (or training output directory), else a registry reference. */
export async function resolvePredictModel(model: string, registry: string): Promise<PredictModel> {
  const file = (await exists(model))
    ? await readModelFile(model, '--model')
    : await registered(registry, model);
  const recorded = recordedSpec(file);
  if (!recorded) {
    throw new UserError(
      `--model ${model}: the model does not say its features and classes (no modelgate.* metadata, no model.json beside it). Use a model from 'modelgate train'.`,
    );
  }
  return {
    bytes: file.bytes,
    label: file.label,
    spec: recorded.spec,
    version: file.registry
      ? `${file.registry.name}@${file.registry.version}`
      : `sha256:${file.sha256.slice(0, 12)}`,
    sha256: file.sha256,
  };
}
