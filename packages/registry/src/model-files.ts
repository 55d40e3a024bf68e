import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, zodErrorLine } from '@modelgate/core';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { registryPath } from './layout.js';
import { compareVersions, isVersion } from './names.js';

const version = z.string().refine(isVersion, 'expected a version such as v3');

const stagesSchema = z.record(z.string(), version);
const deprecatedSchema = z.record(
  version,
  z.strictObject({ reason: z.string().nullable().default(null), archived_at: z.string() }),
);

/** stage -> version. */
export type StageMap = Record<string, string>;

export interface Deprecation {
  reason: string | null;
  archived_at: string;
}

/** version -> why and when it was archived. */
export type DeprecatedMap = Record<string, Deprecation>;

async function readYaml<T>(registryDir: string, relative: string, schema: z.ZodType<T>): Promise<T> {
  const file = join(registryDir, relative);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new UserError(`${file}: cannot read: ${err.message}`);
  });
  let raw: unknown;
  try {
    raw = text === undefined ? {} : (parse(text) ?? {});
  } catch (err) {
    throw new UserError(`${file}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UserError(zodErrorLine(file, parsed.error, raw, { explain: true }));
  return parsed.data;
}

export function readStages(registryDir: string, name: string): Promise<StageMap> {
  return readYaml(registryDir, registryPath.stages(name), stagesSchema);
}

export function readDeprecated(registryDir: string, name: string): Promise<DeprecatedMap> {
  return readYaml(registryDir, registryPath.deprecated(name), deprecatedSchema);
}

const STAGES_HEADER =
  '# Which version each stage serves. Change it with `modelgate promote` (a reviewed pull request).\n';
const DEPRECATED_HEADER = '# Archived versions: kept for the record, never promoted again.\n';

/** One `stage: version` line per stage, in the registry's stage order: diffs stay one line per change. */
export function renderStages(stages: StageMap, order: readonly string[]): string {
  const known = order.filter((s) => stages[s] !== undefined);
  const others = Object.keys(stages)
    .filter((s) => !order.includes(s))
    .sort();
  return STAGES_HEADER + [...known, ...others].map((s) => `${s}: ${stages[s]}\n`).join('');
}

export function renderDeprecated(deprecated: DeprecatedMap): string {
  const sorted = Object.fromEntries(
    Object.entries(deprecated).sort(([a], [b]) => compareVersions(a, b)),
  ) as DeprecatedMap;
  return DEPRECATED_HEADER + stringify(sorted);
}

/** The `stage: vN` lines of stages.yaml, as they appear in its diffs. */
export const STAGE_LINE = /^([a-z][a-z0-9-]*): (v[1-9][0-9]*)$/;
