import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SplitManifest } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-split');

describe('modelgate split', () => {
  it('splits without a config and prints a table per split', async () => {
    const out = tmp.path('plain');
    const { code, stdout, stderr } = await runCli(
      ['split', '--data', dataset('penguins.json'), '--target', 'Species', '--out', out],
      { cwd: tmp.dir },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('by stratified (validation 0.1, test 0.2, seed 42)');
    expect(stdout).toMatch(/split\s+rows\s+share\s+Adelie\s+Chinstrap\s+Gentoo/);
    expect(stdout).toMatch(/train\s+241\s+70\.1%\s+107\s+47\s+87/);
    expect(stdout).toContain(join(out, 'splits.json'));
    expect((await readdir(out)).sort()).toEqual([
      'splits.json',
      'test.parquet',
      'train.parquet',
      'validation.parquet',
    ]);
  });

  it('prints the manifest with --json, equal to splits.json', async () => {
    const out = tmp.path('json');
    const { code, stdout } = await runCli([
      '--json',
      'split',
      '--data',
      dataset('seattle-weather.csv'),
      '--target',
      'weather',
      '--by',
      'time:date',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const manifest = JSON.parse(stdout) as SplitManifest;
    expect(manifest).toEqual(JSON.parse(await readFile(join(out, 'splits.json'), 'utf8')));
    expect(manifest.splits.validation.timeRange).toEqual({ min: '2014-10-20', max: '2015-03-14' });
  });

  it('takes data, target and policy from the modelgate.yaml in the working directory', async () => {
    const root = await writeProject(tmp.path('with-config'));
    const { code, stdout } = await runCli(['--json', 'split', '--out', 'splits'], { cwd: root });
    expect(code).toBe(0);
    const manifest = JSON.parse(stdout) as SplitManifest;
    expect(manifest.policy).toEqual({ by: 'stratified', validation: 0.15, test: 0.25, seed: 7 });
    expect(manifest.target).toBe('Species');
    expect(manifest.source.files[0]?.path).toBe(join('data', 'penguins.json'));
    expect(await readdir(join(root, 'splits'))).toHaveLength(4);
  });

  it('lets flags override the policy of a config named by --config, data relative to it', async () => {
    const root = await writeProject(tmp.path('override'));
    const out = tmp.path('override-out');
    const { code, stdout } = await runCli(
      [
        '--json',
        'split',
        '--config',
        join(root, 'modelgate.yaml'),
        '--test',
        '0.3',
        '--by',
        'random',
        '--out',
        out,
      ],
      { cwd: tmp.dir },
    );
    expect(code).toBe(0);
    const manifest = JSON.parse(stdout) as SplitManifest;
    expect(manifest.policy).toEqual({ by: 'random', validation: 0.15, test: 0.3, seed: 7 });
    expect(manifest.task).toBe('multiclass');
    expect(manifest.splits.test.rows).toBe(103);
  });

  it('writes the same bytes twice', async () => {
    const [a, b] = [tmp.path('twice-a'), tmp.path('twice-b')];
    const argv = (out: string) => [
      'split',
      '--data',
      dataset('penguins.json'),
      '--target',
      'Island',
      '--out',
      out,
    ];
    expect((await runCli(argv(a))).code).toBe(0);
    expect((await runCli(argv(b))).code).toBe(0);
    for (const name of await readdir(a)) {
      expect(await readFile(join(b, name))).toEqual(await readFile(join(a, name)));
    }
  });

  it('shows a regression target summary and group counts', async () => {
    const { code, stdout } = await runCli([
      'split',
      '--data',
      dataset('flights-20k.json'),
      '--target',
      'delay',
      '--by',
      'group:origin',
      '--out',
      tmp.path('flights'),
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/split\s+rows\s+share\s+delay min\s+delay mean\s+delay max\s+groups/);
    expect(stdout).toContain('regression) by group:origin');
  });

  it.each([
    [['--target', 'Species'], /--data: no data given and no modelgate\.yaml here\. Pass --data/],
    [['--data', dataset('penguins.json')], /no target: pass --target/],
    [
      ['--data', dataset('penguins.json'), '--target', 'Species', '--validation', 'lots'],
      /--validation 'lots': expected a number/,
    ],
    [
      ['--data', dataset('penguins.json'), '--target', 'Species', '--seed', '4.5'],
      /--seed '4\.5': expected an integer/,
    ],
    [['--data', dataset('penguins.json'), '--target', 'Species', '--test', '0.95'], /sum to less than 1/],
    [
      ['--data', dataset('penguins.json'), '--target', 'Species', '--by', 'hash'],
      /--by hash: unknown split strategy/,
    ],
    [
      ['--data', dataset('penguins.json'), '--target', 'species'],
      /target 'species' is not a column .* Columns: Species/,
    ],
    [['--data', join('nowhere', 'x.csv'), '--target', 'y'], /no such file/],
    [['--config', 'missing.yaml'], /missing\.yaml: no such config file/],
  ])('exits 2 on bad input: %j', async (flags, message) => {
    const out = tmp.path('never');
    const { code, stderr } = await runCli(['split', ...flags, '--out', out], { cwd: tmp.dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('requires --out', async () => {
    const { code, stderr } = await runCli([
      'split',
      '--data',
      dataset('penguins.json'),
      '--target',
      'Species',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--out/);
  });
});
