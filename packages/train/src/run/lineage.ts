import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DatasetFingerprint, ModelgateConfig, SplitManifest, SplitName } from '@modelgate/core';
import type { GpuInfo } from './gpu.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const TOOLKIT_VERSION = pkg.version;

/** JSON with keys sorted at every level: the same config always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the parsed config with defaults filled: formatting and comments do not change it. */
export function configHash(config: ModelgateConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

function git(args: string[], cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 10_000 }, (err, stdout) =>
      resolve(err ? undefined : String(stdout).trim()),
    );
  });
}

export interface CodeVersion {
  commit: string;
  /** Uncommitted changes in the working tree when training ran. */
  dirty: boolean;
}

/** The commit checked out where the config lives; undefined outside a git repository. */
export async function codeVersion(cwd: string): Promise<CodeVersion | undefined> {
  const commit = await git(['rev-parse', 'HEAD'], cwd);
  if (!commit) return undefined;
  const status = await git(['status', '--porcelain'], cwd);
  return { commit, dirty: (status ?? '').length > 0 };
}

/** Which trainer made the model: a built-in algorithm, or a command and the name tables give it. */
export type TrainerRecord = { algorithm: string } | { command: string; name: string };

export interface Lineage {
  toolkit: { name: 'modelgate'; version: string };
  model: string;
  trainer: TrainerRecord;
  trial: number;
  params: Record<string, unknown>;
  seed: number;
  config: { file: string; sha256: string };
  code: CodeVersion | null;
  data: {
    source: DatasetFingerprint;
    policy: SplitManifest['policy'];
    splits: Record<SplitName, { file: string; rows: number; sha256: string | null }>;
  };
  gpu?: GpuInfo[];
}

export function splitLineage(manifest: SplitManifest): Lineage['data'] {
  const entry = (name: SplitName) => {
    const s = manifest.splits[name];
    return { file: s.file, rows: s.rows, sha256: s.fingerprint?.sha256 ?? null };
  };
  return {
    source: manifest.source,
    policy: manifest.policy,
    splits: { train: entry('train'), validation: entry('validation'), test: entry('test') },
  };
}
