import { loadDataset, profileDataset } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { monitorProfiles, renderMonitorMarkdown } from '../src/index.js';

const db = useDatabase();
const tmp = useTempDir('monitor-empty');

describe('an empty window', () => {
  it('is an alert of its own kind, first, whatever else the window shows', async () => {
    const reference = await profileDataset(
      db(),
      await loadDataset(db(), { path: dataset('seattle-weather.csv') }, { table: 'reference' }),
    );
    const header = 'date,precipitation,temp_max,temp_min,wind,weather\n';
    const empty = await profileDataset(
      db(),
      await loadDataset(db(), { path: await tmp.write('empty.csv', header) }, { table: 'empty' }),
    );
    const report = await monitorProfiles(reference, [{ file: 'hour-1.json', profile: empty }]);
    expect(report.current.rows).toBe(0);
    expect(report.verdict.alert).toBe(true);
    expect(report.verdict.alerts[0]).toMatchObject({ kind: 'no_rows', chunk: null });
    expect(report.verdict.headline).toMatch(/^Alert: no rows in the window; /);
    expect(renderMonitorMarkdown(report)).toContain('- no rows in the window: the current data has none');
  });

  it('with a few rows is an alert too: a thinning feed passes every drift test by having none', async () => {
    const reference = await profileDataset(
      db(),
      await loadDataset(db(), { path: dataset('seattle-weather.csv') }, { table: 'reference_few' }),
    );
    const rows = [
      'date,precipitation,temp_max,temp_min,wind,weather',
      '2015-01-01,0,10,2,3,sun',
      '2015-01-02,1,11,3,4,rain',
    ];
    const few = await profileDataset(
      db(),
      await loadDataset(db(), { path: await tmp.write('few.csv', `${rows.join('\n')}\n`) }, { table: 'few' }),
    );
    const report = await monitorProfiles(reference, [{ file: 'hour-1.json', profile: few }]);
    expect(report.verdict.alerts[0]).toMatchObject({ kind: 'too_few_rows', chunk: null });
    expect(report.verdict.alerts[0]?.message).toBe(
      'too few rows in the window: 2, fewer than the 30 a drift test needs (is the feed thinning?)',
    );
    expect(report.verdict.headline).toMatch(/^Alert: too few rows in the window; /);
  });
});
