import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ShadowComparison } from '@modelgate/monitor';
import { agreementPercent } from '@modelgate/monitor';
import { readMetadata, resolveRef } from '@modelgate/registry';
import { describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-demo');
const EXAMPLE = fileURLToPath(new URL('../../../examples/penguins', import.meta.url));
const MODEL = 'penguins-species';

interface LoggedRow {
  request_id: string;
  row: number;
  version: string;
  outputs: { label: string };
}

/** The labels one role of the server logged, by request id and row. */
async function loggedLabels(dir: string, prefix: 'predictions-' | 'shadow-') {
  const files = (await readdir(dir)).filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl'));
  const rows = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).flatMap((text) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LoggedRow),
  );
  return {
    versions: [...new Set(rows.map((r) => r.version))],
    labels: new Map(rows.map((r) => [`${r.request_id}/${r.row}`, r.outputs.label])),
  };
}

describe('modelgate demo', () => {
  it('shadows the staged v1 with a challenger it trained and registered as v2, and the two disagree, also when run again', async () => {
    const out = join(tmp.dir, 'demo');
    // The steps print to the process's stdout, for people; caught here and read below.
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    // --example leaves the flights project out: the penguins steps are the ones under test. The
    // second run goes into the first one's --out, as a user runs the demo again.
    const demo = () => runCli(['demo', '--example', EXAMPLE, '--out', out]);
    const runs = await demo()
      .then(async (first) => [first, await demo()])
      .finally(() => spy.mockRestore());
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const text = printed.join('').slice(printed.join('').lastIndexOf('== 1. '));

    const registry = join(out, 'repo', 'registry');
    expect((await resolveRef(registry, `${MODEL}#staging`)).version).toBe('v1');
    const [v1, v2] = await Promise.all([
      readMetadata(registry, MODEL, 'v1'),
      readMetadata(registry, MODEL, 'v2'),
    ]);
    expect(v2.model.sha256).not.toBe(v1.model.sha256);

    const compare = JSON.parse(
      await readFile(join(out, 'compare', 'compare.json'), 'utf8'),
    ) as ShadowComparison;
    expect(compare.versions).toEqual({ production: ['v1'], shadow: ['v2'] });

    // The comparison's agreement, recounted from what the server logged for each request id and row.
    const log = join(out, 'prediction-log', MODEL);
    const production = await loggedLabels(log, 'predictions-');
    const shadow = await loggedLabels(log, 'shadow-');
    expect([production.versions, shadow.versions]).toEqual([['v1'], ['v2']]);
    const paired = [...production.labels].filter(([key]) => shadow.labels.has(key));
    const differ = paired.filter(([key, label]) => shadow.labels.get(key) !== label).length;
    expect(compare.rows.paired).toBe(paired.length);
    expect(compare.rows).toMatchObject({ production: paired.length, productionOnly: 0, shadowOnly: 0 });
    expect(differ).toBeGreaterThan(0);
    expect(compare.window.agreement).toBeCloseTo(1 - differ / paired.length, 12);
    const agreement = agreementPercent(1 - differ / paired.length);
    expect(text).toContain(`${paired.length} rows scored by both models`);
    expect(text).toContain(`agreement ${agreement}`);

    // The server's metrics, as printed: the shadow had scored a copy of every answered request.
    const count = (pattern: RegExp) =>
      [...text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
    const answered = count(/^modelgate_requests_total\{[^}]*status="200"\} (\d+)$/gm);
    expect(answered).toBeGreaterThan(0);
    expect(count(/^modelgate_shadow_requests_total\{[^}]*version="v2",outcome="scored"\} (\d+)$/gm)).toBe(
      answered,
    );

    // The online gate: on the labeled live rows, v2 is less accurate than v1.
    const nonInferiority = compare.gate?.outcomes.find((o) => o.rule === 'non_inferiority');
    expect(nonInferiority?.challenger).toBeLessThan(nonInferiority?.champion ?? Number.NaN);
    expect(compare.verdict.status).toBe('fail');
  }, 180_000);
});
