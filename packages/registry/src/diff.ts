import type { VersionMetadata } from './metadata.js';
import { isVersion, parseModelRef } from './names.js';
import type { TensorSignature } from './onnx/signature.js';
import { showVersion } from './query.js';

export type DiffValue = string | number | null;

export interface DiffRow {
  section: 'model' | 'metrics' | 'params' | 'data' | 'signature';
  key: string;
  a: DiffValue;
  b: DiffValue;
  changed: boolean;
  /** b - a, for metrics. */
  delta?: number;
}

export interface VersionDiff {
  a: { name: string; version: string };
  b: { name: string; version: string };
  rows: DiffRow[];
}

function tensor(t: TensorSignature): string {
  return `${t.type}[${t.shape.map((d) => (d < 0 ? 'N' : d)).join(',')}]`;
}

function fields(m: VersionMetadata): Record<DiffRow['section'], Record<string, DiffValue>> {
  const data: Record<string, DiffValue> = {};
  for (const [key, value] of Object.entries(m.data)) {
    const sha = (value as { sha256?: unknown } | null)?.sha256;
    data[key] = typeof sha === 'string' ? sha : JSON.stringify(value);
  }
  const signature: Record<string, DiffValue> = {};
  for (const t of m.signature?.inputs ?? []) signature[`input ${t.name}`] = tensor(t);
  for (const t of m.signature?.outputs ?? []) signature[`output ${t.name}`] = tensor(t);
  return {
    model: {
      sha256: m.model.sha256,
      bytes: m.model.bytes,
      storage: m.model.storage,
      registered: m.createdAt,
      task: m.task,
      target: m.target,
      classes: m.classes ? m.classes.join(', ') : null,
      trainer: m.trainer,
      parent: m.parent,
      'code commit': m.code.commit,
      'config hash': m.configHash,
      'CI run': m.ciRun,
    },
    metrics: m.metrics,
    params: Object.fromEntries(
      Object.entries(m.params).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]),
    ),
    data,
    signature,
  };
}

/** `v2`, `@v2` or `#production` after a full reference mean the same model. */
function sameModel(first: string, ref: string): string {
  const name = parseModelRef(first).name;
  if (isVersion(ref) || /^v\d+\.0\.0$/.test(ref)) return `${name}@${ref}`;
  if (ref.startsWith('@') || ref.startsWith('#')) return `${name}${ref}`;
  return ref;
}

/** Two versions side by side: every metadata field, metric, parameter, data fingerprint and tensor. */
export async function diffVersions(registryDir: string, refA: string, refB: string): Promise<VersionDiff> {
  const [a, b] = await Promise.all([
    showVersion(registryDir, refA),
    showVersion(registryDir, sameModel(refA, refB)),
  ]);
  return {
    a: { name: a.name, version: a.version },
    b: { name: b.name, version: b.version },
    rows: diffMetadata(a.metadata, b.metadata),
  };
}

/** Every field of two versions' metadata side by side (diffVersions, without reading the registry). */
export function diffMetadata(ma: VersionMetadata, mb: VersionMetadata): DiffRow[] {
  const fa = fields(ma);
  const fb = fields(mb);
  const rows: DiffRow[] = [];
  for (const section of ['model', 'metrics', 'params', 'data', 'signature'] as const) {
    const keys = [...new Set([...Object.keys(fa[section]), ...Object.keys(fb[section])])];
    for (const key of keys) {
      const va = fa[section][key] ?? null;
      const vb = fb[section][key] ?? null;
      if (va === null && vb === null) continue;
      const row: DiffRow = { section, key, a: va, b: vb, changed: va !== vb };
      if (section === 'metrics' && typeof va === 'number' && typeof vb === 'number') row.delta = vb - va;
      rows.push(row);
    }
  }
  return rows;
}
