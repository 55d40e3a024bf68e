import { stat } from 'node:fs/promises';
import { UserError } from '@modelgate/core';
import { type ModelFile, readModelFile, recordedSpec } from '@modelgate/evaluate';
import { loadVerifiedModel, parseModelRef } from '@modelgate/registry';
import type { SpecHints } from '@modelgate/runtime';

/** The model to bundle, how messages name it, and what its records say about it. */
export interface ExportModel {
  label: string;
  bytes: Uint8Array;
  sha256: string;
  hints: SpecHints;
  /** name and version for a registered model. */
  registry: { name: string; version: string } | null;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function registered(registry: string, ref: string): Promise<ExportModel> {
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
  const { metadata } = verified;
  return {
    label: `${verified.name}@${verified.version}`,
    bytes: verified.bytes,
    sha256: metadata.model.sha256,
    hints: { task: metadata.task, target: metadata.target, classes: metadata.classes },
    registry: { name: verified.name, version: verified.version },
  };
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
  return (await exists(model))
    ? fromFile(await readModelFile(model, '--model'))
    : registered(registry, model);
}
