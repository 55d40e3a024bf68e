import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseProfile } from '@modelgate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import {
  CONTROL_NAMES,
  csv,
  type HostileWeather,
  hostileNames,
  writeHostileWeather,
} from './hostile-data.js';
import { markupProblems } from './markup.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-hostile');

/** What an HTML page must never carry from data: a tag or an event handler that would run. */
function rawHtml(html: string): string[] {
  return ['<script>alert', '<img src=x', 'onerror=alert(1)>', '<!-- modelgate'].filter((raw) =>
    html.includes(raw),
  );
}

const EVALUATE_SETTINGS = {
  bootstrap: { resamples: 50 },
  latency: { runs: 5, warmup: 1 },
  throughput: { batch_rows: 50, runs: 1 },
};

/** A run under GitHub Actions and its job summary; @actions/core keeps the first summary path it sees, so one file serves all. */
async function summaryOf(
  argv: string[],
  cwd: string,
): Promise<{ code: number; stderr: string; summary: string }> {
  const file = tmp.path('summary.md');
  await writeFile(file, '');
  const run = await runCli(argv, { cwd, jobSummary: file });
  return { code: run.code, stderr: run.stderr, summary: await readFile(file, 'utf8') };
}

describe('hostile column names and values on every report', () => {
  const marker = () => tmp.path('executed');
  let root: string;
  let data: HostileWeather;

  beforeAll(async () => {
    root = tmp.path('weather');
    await mkdir(root);
    data = await writeHostileWeather(root, hostileNames(marker()));
    const config = {
      model: 'weather',
      task: 'multiclass',
      target: data.target,
      time: 'date',
      data: 'reference.csv',
      split: { by: 'random', validation: 0.15, test: 0.25, seed: 3 },
      train: { candidates: [{ algorithm: 'logistic' }] },
      evaluate: EVALUATE_SETTINGS,
    };
    await writeFile(join(root, 'modelgate.yaml'), JSON.stringify(config, null, 2));
    for (const argv of [
      ['split', '--out', 'splits'],
      ['train', '--splits', 'splits', '--out', 'model'],
    ]) {
      const run = await runCli(argv, { cwd: root });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  it('profile.md and the job summary show every name and category as text', async () => {
    const { code, summary } = await summaryOf(['profile', '--out', 'profile'], root);
    expect(code).toBe(0);
    const markdown = await readFile(join(root, 'profile', 'profile.md'), 'utf8');
    const profile = parseProfile(await readFile(join(root, 'profile', 'profile.json'), 'utf8'));
    expect(Object.keys(profile.columns)).toEqual(['date', ...data.features, data.target]);
    expect(markupProblems(markdown)).toEqual([]);
    expect(summary).toContain(markdown.trim());
    expect(markupProblems(summary)).toEqual([]);
  });

  it('the job summaries of split and validate show hostile classes and columns as text', async () => {
    const split = await summaryOf(['split', '--out', 'splits-summary'], root);
    expect(split.code).toBe(0);
    expect(split.summary).toContain('\\[click me\\](javascript:alert(1))');
    expect(markupProblems(split.summary)).toEqual([]);
    const contract = await runCli(['validate', '--write-schema', 'contract.yaml'], { cwd: root });
    expect(contract.code).toBe(0);
    const validate = await summaryOf(
      ['validate', '--data', 'current.csv', '--schema', 'contract.yaml'],
      root,
    );
    expect(validate.code).toBe(1);
    expect(validate.summary).toContain('missing');
    expect(markupProblems(validate.summary)).toEqual([]);
  });

  it("monitor.md's alerts, columns, charts and notes name drifted and missing columns inertly", async () => {
    const profiled = await runCli(['profile', '--out', 'reference'], { cwd: root });
    expect(profiled.code).toBe(0);
    const { code, stderr, summary } = await summaryOf(
      ['monitor', '--reference', 'reference/profile.json', '--current', 'current.csv', '--chunk', 'month'],
      root,
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(await readFile(join(root, 'monitor', 'monitor.json'), 'utf8'));
    expect(report.verdict.alerts.map((a: { kind: string }) => a.kind).slice(0, 2)).toEqual([
      'dataset_drift',
      'missing_columns',
    ]);
    const markdown = await readFile(join(root, 'monitor', 'monitor.md'), 'utf8');
    expect(markdown).toContain('#### Alerts');
    expect(markdown).toContain('```mermaid');
    // The alert line lists the names themselves, escaped: the missing `…[x](javascript:…)` stays text.
    expect(markdown).toContain('\\[x\\](javascript:alert(1))');
    expect(markupProblems(markdown)).toEqual([]);
    expect(summary).toContain(markdown.trim());
    expect(markupProblems(summary)).toEqual([]);
  });

  it("evaluate's report.md and report.html show names and classes as text", async () => {
    const run = await runCli(['evaluate', '--model', 'model', '--splits', 'splits', '--out', 'eval'], {
      cwd: root,
    });
    expect(run.stderr).toBe('');
    expect([0, 1]).toContain(run.code);
    const markdown = await readFile(join(root, 'eval', 'report.md'), 'utf8');
    expect(markupProblems(markdown)).toEqual([]);
    expect(rawHtml(await readFile(join(root, 'eval', 'report.html'), 'utf8'))).toEqual([]);
  });

  it("predict's job summary quotes an unscorable hostile value and column as text", async () => {
    const { code, summary } = await summaryOf(
      [
        'predict',
        '--model',
        'model',
        '--input',
        'unscorable.csv',
        '--output',
        'scores.csv',
        '--workers',
        '0',
      ],
      root,
    );
    expect(code).toBe(1);
    expect(summary).toContain('- row 1: column ');
    expect(summary).toContain('is not a number');
    expect(markupProblems(summary)).toEqual([]);
  });

  it('the web page carries a hostile --title as text', async () => {
    const title = '<script>alert(1)</script> [x](javascript:alert(1)) @everyone';
    const run = await runCli(
      ['export', '--model', 'model', '--target', 'web', '--out', 'web', '--title', title],
      {
        cwd: root,
      },
    );
    expect(run.code).toBe(0);
    const html = await readFile(join(root, 'web', 'index.html'), 'utf8');
    expect(rawHtml(html)).toEqual([]);
    expect(html).toContain(
      '<title>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) @everyone</title>',
    );
    expect(JSON.parse(await readFile(join(root, 'web', 'schema.json'), 'utf8')).title).toBe(title);
  });

  it("export's job summary names a model in a hostile directory as text; the page names only its file", async () => {
    const dir = '@everyone [x](javascript:alert(1)) <img src=x onerror=alert(1)>';
    await cp(join(root, 'model'), join(root, dir), { recursive: true });
    const { code, summary } = await summaryOf(
      ['export', '--model', dir, '--target', 'web', '--out', 'web-default'],
      root,
    );
    expect(code).toBe(0);
    expect(summary).toContain('### Web bundle of @&#8203;everyone \\[x\\](javascript:alert(1))');
    expect(markupProblems(summary)).toEqual([]);
    const html = await readFile(join(root, 'web-default', 'index.html'), 'utf8');
    expect(html).toContain('<title>model.onnx</title>');
    expect(html).not.toContain('everyone');
    expect(html).not.toContain(root);
  });

  it('ran nothing a name spelled out', () => {
    expect(existsSync(marker())).toBe(false);
  });
});

describe('every control character in a column name', () => {
  let root: string;
  beforeAll(async () => {
    root = tmp.path('controls');
    await mkdir(root);
    const rows = Array.from({ length: 80 }, (_, i) => [
      ...CONTROL_NAMES.map((_, j) => ((i * 7 + j * 3) % 11) + 0.5),
      i % 2 === 0 ? 'even' : 'odd',
    ]);
    await writeFile(join(root, 'data.csv'), csv([...CONTROL_NAMES, 'parity'], rows));
    const config = {
      model: 'controls',
      task: 'binary',
      target: 'parity',
      data: 'data.csv',
      split: { validation: 0.2, test: 0.2, seed: 1 },
      train: { candidates: [{ algorithm: 'logistic' }] },
    };
    await writeFile(join(root, 'modelgate.yaml'), JSON.stringify(config));
  });

  it.each([
    ['profile', ['profile', '--out', 'profile']],
    ['validate --write-schema', ['validate', '--write-schema', 'contract.yaml']],
    ['split', ['split', '--out', 'splits']],
  ])('%s reads them all', async (_, argv) => {
    const run = await runCli(argv, { cwd: root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('profile.json keeps each name exactly; validate, train, predict and monitor take them', async () => {
    const profile = parseProfile(await readFile(join(root, 'profile', 'profile.json'), 'utf8'));
    expect(Object.keys(profile.columns)).toEqual([...CONTROL_NAMES, 'parity']);
    const idName = CONTROL_NAMES[9] as string; // a newline in the middle of the name
    for (const argv of [
      ['validate', '--schema', 'contract.yaml'],
      ['train', '--splits', 'splits', '--out', 'model'],
      ['predict', '-m', 'model', '-i', 'data.csv', '-o', 'scores.csv', '--id', idName, '--workers', '0'],
      ['monitor', '--reference', 'profile/profile.json', '--current', 'data.csv'],
    ]) {
      const run = await runCli(argv, { cwd: root });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const scores = await readFile(join(root, 'scores.csv'), 'utf8');
    expect(scores.startsWith(`row,"${idName}",label,`)).toBe(true);
    expect(scores.trim().split('\n')).toHaveLength(81 + 1); // the quoted name spans two lines
  });
});

describe('data that would cut SQL short: not UTF-8, or a NUL in a name', () => {
  let root: string;
  let model: string;
  beforeAll(async () => {
    root = tmp.path('encodings');
    await mkdir(root);
    model = join(import.meta.dirname, '..', '..', '..', 'registry', 'penguins-species', 'versions', 'v1');
    const profile = await runCli([
      'profile',
      '-d',
      await tmp.write('ok.csv', 'a,b\n1,2\n3,4\n'),
      '-o',
      join(root, 'ref'),
    ]);
    expect(profile.code).toBe(0);
  });

  const files: [string, Buffer, RegExp][] = [
    [
      'utf16.csv',
      Buffer.from('a,b\n1,2\n', 'utf16le'),
      /utf16\.csv: not UTF-8 \(UTF-16\?\) at byte 1, a NUL byte\./,
    ],
    [
      'bom.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]),
      /bom\.csv: not UTF-8 \(UTF-16\?\) at byte 0, a UTF-16 byte order mark\./,
    ],
    ['nul.csv', Buffer.from('a,b\n1,x\u0000\n'), /nul\.csv: not UTF-8 \(UTF-16\?\) at byte 7, a NUL byte\./],
    ['nul.json', Buffer.from('[{"a":1,"b\u0000":2}]'), /nul\.json: not UTF-8 \(UTF-16\?\) at byte 10/],
    [
      'escaped-nul.json',
      Buffer.from('[{"a":1,"b\\u0000c":2}]'),
      /escaped-nul\.json: column 2 \("b\\u0000c"\) has a NUL character in its name\./,
    ],
  ];

  it.each(files)(
    '%s: exit 2 with one line naming the file from every command, nothing written',
    async (name, bytes, message) => {
      const file = join(root, name);
      await writeFile(file, bytes);
      const out = join(root, `out-${name}`);
      for (const argv of [
        ['profile', '-d', file, '-o', out],
        ['validate', '-d', file],
        ['split', '-d', file, '--target', 'a', '--by', 'random', '-o', out],
        ['monitor', '--reference', join(root, 'ref', 'profile.json'), '--current', file, '-o', out],
        ['predict', '-m', model, '-i', file, '-o', join(out, 'scores.csv')],
      ]) {
        const run = await runCli(argv);
        expect(run.stderr).toMatch(/^modelgate: error: [^\n]*\n$/);
        expect(run.stderr).toMatch(message);
        expect(run.code).toBe(2);
      }
      expect(await readdir(out).catch(() => [])).toEqual([]);
    },
  );
});
