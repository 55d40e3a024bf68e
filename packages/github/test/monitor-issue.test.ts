import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { readMonitor, upsertMonitorIssue } from '../src/index.js';
import { useEmulator } from './helpers.js';
import { INJECTION_CORPUS, renderedProblems } from './injection.js';

const tmp = useTempDir('github-monitor');

async function monitorDir(
  name: string,
  alerts: { kind: string; message: string }[],
  report = '# Monitoring\n',
) {
  const dir = tmp.path(name);
  await mkdir(dir, { recursive: true });
  const verdict = {
    alert: alerts.length > 0,
    headline: alerts.length > 0 ? 'drift in 2 of 5 columns' : 'no drift',
    alerts,
  };
  await writeFile(
    join(dir, 'monitor.json'),
    JSON.stringify({ format: 'modelgate.monitor/1', verdict, model: null }),
  );
  await writeFile(join(dir, 'monitor.md'), report);
  return dir;
}

const DRIFT = [{ kind: 'dataset_drift', message: 'dataset drift: 2 of 5 columns drifted' }];

describe('the monitoring issue', () => {
  const fx = useEmulator();

  it('opens once on alerts, is edited while they persist, and closes with a comment when they clear', async () => {
    const drift = await readMonitor(await monitorDir('drift', DRIFT));
    const opened = await upsertMonitorIssue(fx.client, fx.repo, {
      model: 'penguins-species',
      monitor: drift,
    });
    expect(opened).toMatchObject({ action: 'created', issue: 1, alerts: 1, dispatched: null });
    expect(fx.gh.state.issues[0]).toMatchObject({
      state: 'open',
      labels: [expect.objectContaining({ name: 'modelgate:drift' })],
    });
    expect(
      await upsertMonitorIssue(fx.client, fx.repo, { model: 'penguins-species', monitor: drift }),
    ).toMatchObject({
      action: 'unchanged',
      issue: 1,
    });
    const worse = await readMonitor(
      await monitorDir('worse', [...DRIFT, { kind: 'outlier_rate', message: 'outliers 4% vs 1%' }]),
    );
    expect(
      await upsertMonitorIssue(fx.client, fx.repo, { model: 'penguins-species', monitor: worse }),
    ).toMatchObject({
      action: 'updated',
      issue: 1,
    });
    expect(String(fx.gh.state.issues[0]?.body)).toContain('outliers 4% vs 1%');
    const clear = await readMonitor(await monitorDir('clear', []));
    expect(
      await upsertMonitorIssue(fx.client, fx.repo, { model: 'penguins-species', monitor: clear }),
    ).toMatchObject({
      action: 'closed',
      issue: 1,
    });
    expect(fx.gh.state.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(String(fx.gh.state.comments[0]?.body)).toMatch(/found no alerts/);
    expect(
      await upsertMonitorIssue(fx.client, fx.repo, { model: 'penguins-species', monitor: clear }),
    ).toMatchObject({
      action: 'unchanged',
      issue: null,
    });
    expect(fx.gh.state.issues).toHaveLength(1);
    expect(fx.gh.state.labels.filter((l) => l.name === 'modelgate:drift')).toHaveLength(1);
    // Drift that returns opens a new issue; the closed one stays closed.
    expect(
      await upsertMonitorIssue(fx.client, fx.repo, { model: 'penguins-species', monitor: drift }),
    ).toMatchObject({
      action: 'created',
      issue: 2,
    });
  });

  it('keeps models apart and dispatches retraining when drift is newly confirmed', async () => {
    const drift = await readMonitor(await monitorDir('drift2', DRIFT));
    await upsertMonitorIssue(fx.client, fx.repo, {
      model: 'a',
      monitor: drift,
      retrain: { kind: 'workflow', workflow: 'retrain.yml', ref: 'main' },
    });
    await upsertMonitorIssue(fx.client, fx.repo, {
      model: 'b',
      monitor: drift,
      retrain: { kind: 'repository', eventType: 'modelgate-retrain' },
    });
    await upsertMonitorIssue(fx.client, fx.repo, {
      model: 'a',
      monitor: drift,
      retrain: { kind: 'workflow', workflow: 'retrain.yml', ref: 'main' },
    });
    expect(fx.gh.state.issues).toHaveLength(2);
    expect(fx.gh.state.dispatches).toEqual([
      {
        kind: 'workflow',
        target: 'retrain.yml',
        ref: 'main',
        payload: { model: 'a', reason: 'drift in 2 of 5 columns' },
      },
      {
        kind: 'repository',
        target: 'modelgate-retrain',
        payload: { model: 'b', reason: 'drift in 2 of 5 columns', issue: 2 },
      },
    ]);
  });

  it('renders hostile alert messages and reports as text, under the size limit', async () => {
    for (const [i, text] of INJECTION_CORPUS.entries()) {
      const monitor = await readMonitor(await monitorDir(`inj-${i}`, [{ kind: text, message: text }], text));
      await upsertMonitorIssue(fx.client, fx.repo, { model: `m${i}`, monitor });
    }
    for (const issue of fx.gh.state.issues) expect(renderedProblems(String(issue.body))).toEqual([]);
  });
});
