import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@modelgate/core';
import { DEFAULT_SETTINGS_YAML } from '@modelgate/registry';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { WORKFLOW_TEMPLATES } from '../src/commands/init-templates.js';
import { runCli } from './run-cli.js';
import { lintWorkflow } from './workflow-lint.js';

const tmp = useTempDir('init');
const SHA = 'fedcba9876543210fedcba9876543210fedcba98';

async function tree(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Object.fromEntries(
    await Promise.all(files.map(async (f) => [f.slice(dir.length + 1), await readFile(f, 'utf8')] as const)),
  );
}

async function repo(name: string): Promise<string> {
  const dir = tmp.path(name);
  await mkdir(join(dir, '.git'), { recursive: true });
  return dir;
}

const init = (dir: string, ...flags: string[]) =>
  runCli(['init', '--dir', dir, '--toolkit-ref', SHA, '--toolkit-repository', 'example/modelgate', ...flags]);

describe('modelgate init', () => {
  it('scaffolds the config, the four workflows, the registry and CODEOWNERS', async () => {
    const dir = await repo('fresh');
    const run = await init(
      dir,
      '--model',
      'penguins',
      '--task',
      'multiclass',
      '--target',
      'Species',
      '--data',
      'data/penguins.csv',
      '--owners',
      '@octo-org/ml',
    );
    expect(run.code, run.stderr).toBe(0);
    const files = await tree(dir);
    expect(Object.keys(files).sort()).toEqual([
      '.github/CODEOWNERS',
      '.github/workflows/modelgate-deploy.yml',
      '.github/workflows/modelgate-monitor.yml',
      '.github/workflows/modelgate-pr.yml',
      '.github/workflows/modelgate-register.yml',
      'modelgate.yaml',
      'registry/registry.yaml',
    ]);
    expect(run.stdout).toBe(
      `modelgate init: 7 files in ${dir}\n${Object.keys(files)
        .filter((f) => f !== '.github/CODEOWNERS')
        .sort((a, b) => (a === 'modelgate.yaml' ? -1 : b === 'modelgate.yaml' ? 1 : a.localeCompare(b)))
        .concat('.github/CODEOWNERS')
        .map((f) => `  wrote    ${f}`)
        .join(
          '\n',
        )}\n\nNext: put your data where modelgate.yaml says, run \`modelgate validate\` and \`modelgate train --out model\`,\nthen commit. Self-hosted runners need the labels the workflows ask for (see ACTIONS.md).\n`,
    );
    const config = await loadConfig(join(dir, 'modelgate.yaml'));
    expect(config).toMatchObject({ model: 'penguins', task: 'multiclass', target: 'Species' });
    expect(files['registry/registry.yaml']).toBe(DEFAULT_SETTINGS_YAML);
    expect(files['.github/CODEOWNERS']).toBe(
      '# modelgate: promotion PRs change registry/; these owners approve them.\n/registry/ @octo-org/ml\n',
    );
    const pr = files['.github/workflows/modelgate-pr.yml'] ?? '';
    expect(pr).toContain(`uses: example/modelgate/.github/workflows/modelgate-pipeline.yml@${SHA}`);
    expect(pr).not.toMatch(/__[A-Z_]+__/);
    expect(files['.github/workflows/modelgate-monitor.yml']).toContain('model: penguins#production');
    for (const name of Object.keys(WORKFLOW_TEMPLATES)) {
      const path = `.github/workflows/${name}`;
      expect(lintWorkflow(path, files[path] ?? '')).toEqual([]);
    }
  });

  it('writes nothing the second time, and overwrites nothing that exists', async () => {
    const dir = await repo('twice');
    await writeFile(join(dir, 'modelgate.yaml'), 'model: mine\n');
    const first = await init(dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('  skipped  modelgate.yaml (exists)');
    expect(await readFile(join(dir, 'modelgate.yaml'), 'utf8')).toBe('model: mine\n');
    const before = await tree(dir);
    const mtimes = await Promise.all(
      Object.keys(before).map((f) => stat(join(dir, f)).then((s) => s.mtimeMs)),
    );

    const second = await init(dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^modelgate init: nothing to do in .*: every file exists\.\n/);
    expect(second.stdout).not.toContain('wrote');
    expect(await tree(dir)).toEqual(before);
    expect(
      await Promise.all(Object.keys(before).map((f) => stat(join(dir, f)).then((s) => s.mtimeMs))),
    ).toEqual(mtimes);
    expect(
      JSON.parse((await runCli(['--json', 'init', '--dir', dir, '--toolkit-ref', SHA])).stdout),
    ).toMatchObject({ written: [], appended: [] });
  });

  it('appends to an existing CODEOWNERS without a registry/ rule, and leaves one that has it', async () => {
    const without = await repo('codeowners-append');
    await writeFile(join(without, 'CODEOWNERS'), '* @octo-org/everyone');
    const run = await init(without, '--owners', '@octo-org/ml,ml@example.com');
    expect(run.stdout).toContain('  appended CODEOWNERS (a rule for registry/)');
    expect(await readFile(join(without, 'CODEOWNERS'), 'utf8')).toBe(
      '* @octo-org/everyone\n# modelgate: promotion PRs change registry/; these owners approve them.\n/registry/ @octo-org/ml ml@example.com\n',
    );
    await expect(stat(join(without, '.github', 'CODEOWNERS'))).rejects.toThrow();

    const withRule = await repo('codeowners-keep');
    await mkdir(join(withRule, 'docs'));
    await writeFile(join(withRule, 'docs', 'CODEOWNERS'), '/registry/** @octo-org/ml\n');
    const kept = await init(withRule, '--owners', '@someone');
    expect(kept.stdout).toContain('  skipped  docs/CODEOWNERS (exists)');
    expect(await readFile(join(withRule, 'docs', 'CODEOWNERS'), 'utf8')).toBe('/registry/** @octo-org/ml\n');
  });

  it('refuses values that would break the files it writes, before writing any', async () => {
    const dir = await repo('bad');
    const cases: [string[], RegExp][] = [
      [['--task', 'ranking'], /--task 'ranking': expected one of binary, multiclass, regression\./],
      [['--data', '../outside.csv'], /--data '\.\.\/outside\.csv': expected a path inside the repository\./],
      [['--toolkit-ref', 'main\n  evil: x'], /--toolkit-ref 'main\n {2}evil: x': expected letters/],
      [
        ['--owners', 'not an owner'],
        /--owners 'not an owner': expected @user, @org\/team or an e-mail address\./,
      ],
      [['--model', '../x'], /model/],
    ];
    for (const [flags, message] of cases) {
      const run = await runCli(['init', '--dir', dir, ...flags]);
      expect(run.code, flags.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(await tree(dir)).toEqual({});
    const missing = await runCli(['init', '--dir', tmp.path('nope')]);
    expect(missing.stderr).toBe(`modelgate: error: --dir ${tmp.path('nope')}: no such directory.\n`);
  });

  it('warns when the toolkit is pinned by a tag rather than a commit SHA', async () => {
    const dir = await repo('tag');
    const run = await runCli(['init', '--dir', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("warning: the workflows run modelgate at 'v0.1.0', a tag or branch");
    expect(run.stdout).toContain('notice: no --owners');
  });
});
