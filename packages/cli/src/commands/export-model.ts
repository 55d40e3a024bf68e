import { type ModelFile, recordedSpec } from '@modelgate/evaluate';
import type { SpecHints } from '@modelgate/runtime';
import { resolveModelArgument } from './model-argument.js';

/** The model to bundle, how messages name it, and what its records say about it. */
export interface ExportModel {
  label: string;
  bytes: Uint8Array;
  sha256: string;
  hints: SpecHints;
  /** name and version for a registered model. */
  registry: { name: string; version: string } | null;
}

function fromFile(file: ModelFile): ExportModel {
  const spec = recordedSpec(file)?.spec;
  const hints: SpecHints = spec
    ? { task: spec.task, target: spec.target, classes: spec.classes ?? null, features: spec.features }
    : {};
  return { label: file.label, bytes: file.bytes, sha256: file.sha256, hints, registry: null };
}

/** An ONNX file (or a training output directory), else a registry reference. */
export async function resolveExportModel(model: string, registry: string): Promise<ExportModel> {
  const { file, metadata } = await resolveModelArgument(model, registry);
  if (!metadata || !file.registry) return fromFile(file);
  return {
    label: file.label,
    bytes: file.bytes,
    sha256: file.sha256,
    hints: { task: metadata.task, target: metadata.target, classes: metadata.classes },
    registry: { name: file.registry.name, version: file.registry.version },
  };
}
