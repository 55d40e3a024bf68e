import { dirname, isAbsolute, join } from 'node:path';
import {
  type DataSpec,
  DEFAULT_CONFIG_FILE,
  isFile,
  loadConfig,
  type ModelgateConfig,
} from '@modelgate/core';

/** A loaded config and the file it came from. */
export interface FoundConfig {
  config: ModelgateConfig;
  file: string;
}

/** The config --config names, else modelgate.yaml in the working directory when there is one. */
export function findConfig(file: string | undefined): Promise<FoundConfig | undefined> {
  return findConfigWith(file, loadConfig);
}

/** As findConfig, read by `load` (a command that needs less than a training config parses less). */
export async function findConfigWith<T>(
  file: string | undefined,
  load: (file: string) => Promise<T>,
): Promise<{ config: T; file: string } | undefined> {
  if (file) return { config: await load(file), file };
  return (await isFile(DEFAULT_CONFIG_FILE))
    ? { config: await load(DEFAULT_CONFIG_FILE), file: DEFAULT_CONFIG_FILE }
    : undefined;
}

/** Paths in a config are relative to the config file. */
export function configData({ config, file }: FoundConfig): DataSpec {
  const spec = typeof config.data === 'string' ? { path: config.data } : config.data;
  const path = isAbsolute(spec.path) ? spec.path : join(dirname(file), spec.path);
  return spec.format ? { path, format: spec.format } : { path };
}
