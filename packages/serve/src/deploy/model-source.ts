import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@modelgate/core';
import {
  DEFAULT_SETTINGS_YAML,
  digestFile,
  REGISTRY_FILES,
  readMetadata,
  resolveRef,
  type VersionMetadata,
  versionDir,
} from '@modelgate/registry';

/** The files of one registry version that the image carries, each checked against metadata.json. */
export interface ModelSource {
  name: string;
  version: string;
  metadata: VersionMetadata;
  /** File name in the version directory -> its absolute path. */
  files: Map<string, string>;
  registrySettings: string;
}

export async function readModelSource(registryDir: string, ref: string): Promise<ModelSource> {
  const { name, version } = await resolveRef(registryDir, ref);
  const metadata = await readMetadata(registryDir, name, version);
  const dir = versionDir(registryDir, name, version);
  const expected: [string, string][] = [
    [REGISTRY_FILES.model, metadata.model.sha256],
    ...Object.entries(metadata.files).map(([file, digest]): [string, string] => [file, digest.sha256]),
  ];
  const files = new Map<string, string>();
  for (const [file, sha256] of expected) {
    const path = join(dir, file);
    const actual = await digestFile(path).catch(() => {
      throw new UserError(`${path}: missing. Expected the file metadata.json lists.`);
    });
    if (actual.sha256 !== sha256) {
      const lfs =
        file === REGISTRY_FILES.model && metadata.model.storage === 'lfs'
          ? ' (a Git LFS pointer? run git lfs pull)'
          : '';
      throw new UserError(
        `${path}: sha256 ${actual.sha256.slice(0, 12)}… does not match metadata.json (${sha256.slice(0, 12)}…)${lfs}.`,
      );
    }
    files.set(file, path);
  }
  files.set(REGISTRY_FILES.metadata, join(dir, REGISTRY_FILES.metadata));
  const registrySettings = await readFile(join(registryDir, REGISTRY_FILES.settings), 'utf8').catch(
    () => DEFAULT_SETTINGS_YAML,
  );
  return { name, version, metadata, files, registrySettings };
}
