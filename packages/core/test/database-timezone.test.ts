import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** What a fresh process's Database makes of a time without an offset, under the machine zone `tz`. */
async function readsUnder(tz: string): Promise<{ zone: string; hour: string; naive: string }> {
  const script = `
    import { Database } from '@modelgate/core';
    const db = await Database.open();
    const [row] = await db.jsonRows(\`SELECT current_setting('TimeZone') AS zone,
      date_trunc('hour', TRY_CAST('2024-05-01 22:10' AS TIMESTAMPTZ))::VARCHAR AS hour,
      CAST(TIMESTAMPTZ '2024-05-01 22:10:00+00' AS TIMESTAMP)::VARCHAR AS naive\`);
    await db.close();
    process.stdout.write(JSON.stringify(row));`;
  const { stdout } = await run(
    process.execPath,
    ['--conditions=modelgate-source', '--import', 'tsx', '--input-type=module', '-e', script],
    { env: { ...process.env, TZ: tz } },
  );
  return JSON.parse(stdout);
}

describe('the database’s time zone', () => {
  it('is UTC whatever the machine’s, so times read and truncate alike everywhere', async () => {
    const expected = { zone: 'UTC', hour: '2024-05-01 22:00:00+00', naive: '2024-05-01 22:10:00' };
    expect(await readsUnder('America/New_York')).toEqual(expected);
    expect(await readsUnder('Asia/Kolkata')).toEqual(expected);
  });
});
