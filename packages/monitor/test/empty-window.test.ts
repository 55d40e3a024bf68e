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
});
