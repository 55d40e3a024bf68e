import { pathExists, UserError } from '@modelgate/core';
import { type ModelFile, readModelFile } from '@modelgate/evaluate';
import { loadVerifiedModel, parseModelRef, type VersionMetadata } from '@modelgate/registry';

/** A registered version's model, read only after its sha256 matches the registry's record. */
export async function registryModelFile(
  registry: string,
  ref: string,
  stage: string | null,
): Promise<{ file: ModelFile; metadata: VersionMetadata }> {
  const verified = await loadVerifiedModel(registry, ref);
  const file: ModelFile = {
    label: `${verified.name}@${verified.version}`,
    path: verified.path,
    bytes: verified.bytes,
    sha256: verified.metadata.model.sha256,
    registry: { ref, name: verified.name, version: verified.version, stage },
    summary: undefined,
  };
  return { file, metadata: verified.metadata };
}

/**
 * `--model` as `predict` and `export` take it: an ONNX file or training output directory when the path
 * exists, else a registry reference (name#stage, name@v3).
 */
export async function resolveModelArgument(
  model: string,
  registry: string,
): Promise<{ file: ModelFile; metadata: VersionMetadata | null }> {
  if (await pathExists(model)) return { file: await readModelFile(model, '--model'), metadata: null };
  let ref: ReturnType<typeof parseModelRef>;
  try {
    ref = parseModelRef(model);
  } catch {
    throw new UserError(
      `--model ${model}: no such file, and not a registry reference (name#stage, name@v3).`,
    );
  }
  if (/\.onnx$/i.test(model) || model.includes('/')) throw new UserError(`--model ${model}: no such file.`);
  if (!(await pathExists(registry))) {
    throw new UserError(`--model ${model}: no registry at ${registry} (pass --registry <dir>).`);
  }
  return registryModelFile(registry, model, ref.kind === 'stage' ? ref.stage : null);
}
