import { type ModelSpec, resolveModel, type SpecFlags, type SpecSource, webTitle } from '@modelgate/runtime';

/** The model to bundle, how messages name it, and its spec. */
export interface ExportModel {
  label: string;
  bytes: Uint8Array;
  sha256: string;
  spec: ModelSpec;
  specSource: SpecSource;
  /** name and version for a registered model. */
  registry: { name: string; version: string } | null;
  /** What the published page calls it: name@version, or the file's name (never a local path). */
  title: string;
}

/** An ONNX file, a training output directory or a registry reference, with its spec (the one resolver). */
export async function resolveExportModel(
  model: string,
  registry: string,
  specFlags: SpecFlags,
): Promise<ExportModel> {
  const resolved = await resolveModel(model, { registry, flag: '--model', specFlags });
  return {
    label: resolved.label,
    bytes: resolved.bytes,
    sha256: resolved.sha256,
    spec: resolved.spec,
    specSource: resolved.source,
    registry: resolved.registry ? { name: resolved.registry.name, version: resolved.registry.version } : null,
    title: webTitle(resolved),
  };
}
