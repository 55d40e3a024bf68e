import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isFile } from '@modelgate/core';
import { REGISTRY_FILES } from '@modelgate/registry';

/** A registry version named by a path: the registry directory, the model's name and the version. */
export interface RegistryVersionPath {
  registry: string;
  name: string;
  version: string;
}

/**
 * The registry version a model file lies in, by the layout
 * `<registry>/<name>/versions/<version>/model.onnx` under a directory with
 * registry.yaml; undefined for any other file. Loaded by path, such a file
 * is checked as its reference would be, metadata.json or not.
 */
export async function registryVersionOf(file: string): Promise<RegistryVersionPath | undefined> {
  if (basename(file) !== REGISTRY_FILES.model) return undefined;
  const versionDir = dirname(resolve(file));
  const versionsDir = dirname(versionDir);
  if (basename(versionsDir) !== REGISTRY_FILES.versions) return undefined;
  const modelDir = dirname(versionsDir);
  // Names may hold '/', so the registry is the nearest directory above the model's with registry.yaml.
  for (let root = dirname(modelDir); ; root = dirname(root)) {
    if (await isFile(join(root, REGISTRY_FILES.settings))) {
      return {
        // Messages name the files the way the path was given.
        registry: isAbsolute(file) ? root : relative(process.cwd(), root) || '.',
        name: relative(root, modelDir).split(sep).join('/'),
        version: basename(versionDir),
      };
    }
    if (dirname(root) === root) return undefined;
  }
}
