import { UserError } from '@modelgate/core';
import { recordedSpec } from '@modelgate/evaluate';
import type { BatchModel } from '@modelgate/runtime';
import { resolveModelArgument } from './model-argument.js';

/** The model to score with, and how the summary names its version. */
export interface PredictModel extends BatchModel {
  /** name@version for a registered model, else the file's sha256 prefix. */
  version: string;
  sha256: string;
}

/** A model file (or training output directory), else a registry reference. */
export async function resolvePredictModel(model: string, registry: string): Promise<PredictModel> {
  const { file } = await resolveModelArgument(model, registry);
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
