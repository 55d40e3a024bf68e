import { join } from 'node:path';

/** File names inside the registry; the layout is documented in DESIGN.md. */
export const REGISTRY_FILES = {
  settings: 'registry.yaml',
  attributes: '.gitattributes',
  stages: 'stages.yaml',
  deprecated: 'deprecated.yaml',
  versions: 'versions',
  model: 'model.onnx',
  metadata: 'metadata.json',
  evaluation: 'evaluation.json',
  referenceProfile: 'reference-profile.json',
  card: 'card.md',
} as const;

/** Scratch directories of writes in progress start with this; a crash may leave one behind. */
export const STAGING_PREFIX = '.staging-';

/** Paths relative to the registry directory, with '/' separators: they are also git pathspecs. */
export const registryPath = {
  model: (name: string) => name,
  stages: (name: string) => `${name}/${REGISTRY_FILES.stages}`,
  deprecated: (name: string) => `${name}/${REGISTRY_FILES.deprecated}`,
  versions: (name: string) => `${name}/${REGISTRY_FILES.versions}`,
  version: (name: string, version: string) => `${name}/${REGISTRY_FILES.versions}/${version}`,
  versionFile: (name: string, version: string, file: string) =>
    `${name}/${REGISTRY_FILES.versions}/${version}/${file}`,
};

/** Absolute paths for reading. */
export function versionDir(registryDir: string, name: string, version: string): string {
  return join(registryDir, name, REGISTRY_FILES.versions, version);
}

export function modelDir(registryDir: string, name: string): string {
  return join(registryDir, name);
}
