/** Registry versions for the benchmarks, written the way the toolkit writes them but without training. */
import { createHash } from 'node:crypto';
import { METADATA_FORMAT, REGISTRY_FILES, renderCard, type VersionMetadata } from '@modelgate/registry';

export const SIGNATURE = {
  inputs: [{ name: 'features', type: 'float32', shape: [-1, 8] }],
  outputs: [{ name: 'label', type: 'string', shape: [-1] }],
};

export const modelName = (i: number) => `model-${String(i).padStart(3, '0')}`;

/** Deterministic stand-in bytes: the registry treats models as bytes when a signature is given. */
export function modelBytes(name: string, version: number): Buffer {
  return createHash('sha512').update(`${name}/${version}`).digest();
}

/** A file's entry in metadata.json. */
export function fileEntry(content: string | Buffer): { sha256: string; bytes: number } {
  return { sha256: createHash('sha256').update(content).digest('hex'), bytes: Buffer.byteLength(content) };
}

/** Version `version` of `name` with these model bytes, an hour after the one before; `fields` replace the defaults. */
export function versionMetadata(
  name: string,
  version: number,
  model: Buffer,
  fields: Partial<VersionMetadata> = {},
): VersionMetadata {
  return {
    format: METADATA_FORMAT,
    name,
    version: `v${version}`,
    createdAt: new Date(Date.UTC(2024, 0, 1) + version * 3_600_000).toISOString(),
    model: {
      file: REGISTRY_FILES.model,
      sha256: createHash('sha256').update(model).digest('hex'),
      bytes: model.byteLength,
      storage: 'git',
    },
    files: {},
    signature: SIGNATURE,
    onnx: null,
    task: 'binary',
    target: 'churned',
    classes: ['no', 'yes'],
    metrics: {},
    params: { learning_rate: 0.1, max_leaves: 31 },
    data: {},
    code: { commit: null },
    configHash: null,
    trainer: 'gbdt',
    parent: version > 1 ? `v${version - 1}` : null,
    ciRun: null,
    training: {},
    ...fields,
  };
}

/** The version's card.md, recorded in its metadata's files as the registry does. */
export function withCard(meta: VersionMetadata): string {
  const card = renderCard(meta);
  meta.files[REGISTRY_FILES.card] = fileEntry(card);
  return card;
}
