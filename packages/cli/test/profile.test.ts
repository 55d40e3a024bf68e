import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseProfile } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { PENGUINS_CONFIG, writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-profile');

describe('modelgate profile', () => {
  it('writes profile.json and profile.md and prints where they are with a short table', async () => {
    const out = tmp.path('penguins');
    const { code, stdout, stderr } = await runCli([
      'profile',
      '--data',
      dataset('penguins.json'),
      '--out',
      out,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['profile.json', 'profile.md']);
    const profile = parseProfile(await readFile(join(out, 'profile.json'), 'utf8'));
    expect(profile.rows).toBe(344);
    expect(profile.source?.files[0]?.path).toBe(dataset('penguins.json'));
    expect(await readFile(join(out, 'profile.md'), 'utf8')).toContain('| `Body Mass (g)` | numeric |');
    expect(stdout).toContain(`Wrote ${join(out, 'profile.json')} and ${join(out, 'profile.md')}.`);
    expect(stdout).toMatch(
      /Body Mass \(g\)\s+numeric\s+2 \(0\.6%\)\s+94\s+4,202\s+802\s+2,700\s+4,050\s+6,300/,
    );

    const again = await runCli(['profile', '--data', dataset('penguins.json'), '--out', out, '--force']);
    expect(again.stdout).toContain('(replacing the previous ones)');
  });

  it('prints the profile itself with --json', async () => {
    const out = tmp.path('weather');
    const { code, stdout } = await runCli([
      '--json',
      'profile',
      '--data',
      dataset('seattle-weather.csv'),
      '-o',
      out,
    ]);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { rows: number; columns: Record<string, { kind: string }> };
    expect(printed.rows).toBe(1461);
    expect(printed.columns.date?.kind).toBe('datetime');
    expect(JSON.parse(await readFile(join(out, 'profile.json'), 'utf8'))).toEqual(printed);
  });

  it('reads a file by --format whatever its extension', async () => {
    const path = await tmp.write('data.txt', 'a,b\n1,x\n2,y\n');
    const out = tmp.path('txt');
    const { code } = await runCli(['profile', '--data', path, '--format', 'csv', '--out', out]);
    expect(code).toBe(0);
    expect(parseProfile(await readFile(join(out, 'profile.json'), 'utf8')).rows).toBe(2);
  });

  it('profiles the data the modelgate.yaml in the working directory names, relative to it', async () => {
    const root = await writeProject(tmp.path('project'));
    const { code, stdout } = await runCli(['--json', 'profile', '--out', 'out'], { cwd: root });
    expect(code).toBe(0);
    const printed = parseProfile(stdout);
    expect(printed.rows).toBe(344);
    expect(printed.source?.files[0]?.path).toBe(join('data', 'penguins.json'));
    expect((await readdir(join(root, 'out'))).sort()).toEqual(['profile.json', 'profile.md']);
  });

  it('keeps exact values per monitor.exact_values in the config, and --exact-values goes over it', async () => {
    const root = await writeProject(tmp.path('exact'), `${PENGUINS_CONFIG}monitor: { exact_values: 0 }\n`);
    const mass = (profile: ReturnType<typeof parseProfile>) => {
      const column = profile.columns['Body Mass (g)'];
      return column?.kind === 'numeric' ? column.stats : undefined;
    };
    const sketched = await runCli(['--json', 'profile', '--out', 'out'], { cwd: root });
    expect(sketched.code).toBe(0);
    expect(parseProfile(sketched.stdout).exactValues).toBe(0);
    expect(mass(parseProfile(sketched.stdout))).not.toHaveProperty('values');
    const flagged = await runCli(['--json', 'profile', '--out', 'out', '--exact-values', '100', '--force'], {
      cwd: root,
    });
    expect(flagged.code).toBe(0);
    expect(parseProfile(flagged.stdout).exactValues).toBe(100);
    expect(mass(parseProfile(flagged.stdout))).toHaveProperty('values');
  });

  it('takes data and format from a --config elsewhere, the path relative to the config file', async () => {
    const root = await writeProject(
      tmp.path('elsewhere'),
      PENGUINS_CONFIG.replace('data: data/penguins.json', 'data: { path: data/penguins.txt, format: json }'),
    );
    await copyFile(join(root, 'data', 'penguins.json'), join(root, 'data', 'penguins.txt'));
    const out = tmp.path('elsewhere-out');
    const { code, stdout } = await runCli(
      ['profile', '--config', join(root, 'modelgate.yaml'), '--out', out],
      {
        cwd: tmp.dir,
      },
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`Profiled ${join(root, 'data', 'penguins.txt')}: 344 rows, 7 columns.`);
    expect(parseProfile(await readFile(join(out, 'profile.json'), 'utf8')).rows).toBe(344);
  });

  it('writes the markdown to the job summary under GitHub Actions', async () => {
    const summary = await tmp.write('step-summary.md', '');
    const { code } = await runCli(['profile', '--data', dataset('penguins.json'), '--out', tmp.path('gha')], {
      jobSummary: summary,
    });
    expect(code).toBe(0);
    expect(await readFile(summary, 'utf8')).toContain('### Data profile');
  });

  it.each([
    [['--data', 'no-such-file.csv'], /no-such-file\.csv: no such file/],
    [['--data', 'x.csv', '--format', 'xlsx'], /--format xlsx: unknown format\. Expected one of csv, tsv/],
    [[], /--data: no data given and no modelgate\.yaml here\. Pass --data <file\|glob> or --config <file>\./],
  ])('exits 2 with one clear line for bad input %j', async (args, message) => {
    const out = tmp.path('never');
    const { code, stderr } = await runCli(['profile', ...args, '--out', out], { cwd: tmp.dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    await expect(readdir(out)).rejects.toThrow();
  });

  it('exits 2 when --out is a file, and on a malformed CSV leaves no output behind', async () => {
    const file = await tmp.write('a-file', 'x');
    const asFile = await runCli(['profile', '--data', dataset('penguins.json'), '--out', file]);
    expect(asFile.code).toBe(2);
    expect(asFile.stderr).toContain(`--out ${file}: is a file`);

    const broken = await tmp.write('broken.csv', 'a,b\n1,"x\n2,y\n');
    const out = tmp.path('broken-out');
    const bad = await runCli(['profile', '--data', broken, '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/broken\.csv: malformed CSV/);
    await expect(readdir(out)).rejects.toThrow();
  });
});
