import { type BatchModel, resolveModel, type SpecFlags, type SpecSource } from '@modelgate/runtime';

/** The model to score with, and how the summary names its version. */
export interface PredictModel extends BatchModel {
  /** name@version for a registered model, else the file's sha256 prefix. */
  version: string;
  sha256: string;
  /** Where its spec came from: the model's own record, or the spec flags. */
  specSource: SpecSource;
}

/** An ONNX file, a training output directory or a registry reference, with its spec (the one resolver). */
export async function resolvePredictModel(
  model: string,
  registry: string,
  specFlags: SpecFlags,
): Promise<PredictModel> {
  const resolved = await resolveModel(model, { registry, flag: '--model', specFlags });
  return {
    bytes: resolved.bytes,
    label: resolved.label,
    spec: resolved.spec,
    specSource: resolved.source,
    version: resolved.registry
      ? `${resolved.registry.name}@${resolved.registry.version}`
      : `sha256:${resolved.sha256.slice(0, 12)}`,
    sha256: resolved.sha256,
  };
}
