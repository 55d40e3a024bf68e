import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promote, registerVersion } from '@modelgate/registry';
import type { useGitSandbox } from '../../registry/test/git-fixture.js';

type Sandbox = ReturnType<typeof useGitSandbox>;

/**
 * Registers one version of `name` from a training output made of the given files (model.onnx made
 * distinct by `note`), as `modelgate register` does.
 */
export async function registerFixture(
  sandbox: Sandbox,
  registryDir: string,
  name: string,
  note: string,
  files: Record<string, unknown> = {},
): Promise<string> {
  const dir = await sandbox.artifacts({ model: { note }, ...files });
  const result = await registerVersion({ registryDir, name, model: dir });
  return result.version;
}

export async function promoteFixture(registryDir: string, name: string, version: string, stage: string) {
  await promote({ registryDir, name, version, stage });
}

/** A monitor.json as `modelgate monitor` writes it, with the few parts the site reads set by the test. */
export function monitorReport(model: string, version: string, extra: Record<string, unknown> = {}) {
  return {
    format: 'modelgate.monitor/1',
    createdAt: '2024-05-02T06:17:00.000Z',
    verdict: { alert: false, headline: 'No drift.', alerts: [] },
    model: { name: model, version, stages: ['production'] },
    reference: { source: 'reference-profile.json', rows: 100 },
    current: { source: 'current.csv', input: 'data', rows: 50, excluded: 0, start: null, end: null },
    window: {
      evaluated: 1,
      drifted: 0,
      share: 0,
      datasetDrift: false,
      tooSmall: false,
      outliers: null,
      prediction: null,
    },
    columns: [{ column: 'x', status: 'stable', statistic: 0.01, method: 'ks', drifted: false }],
    chunks: [{ index: 0, label: 'all', start: null, end: null, rows: 50, tooSmall: false }],
    series: [],
    anomalies: [],
    notes: [],
    ...extra,
  };
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
