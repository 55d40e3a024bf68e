import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@modelgate/core';
import { DEFAULT_SETTINGS_YAML } from '@modelgate/registry';
import { describe, expect, it, vi } from 'vitest';
import { expectUserError, useTempDir } from '../../core/test/fixtures.js';
import { initProject } from '../src/commands/init.js';
import { WORKFLOW_TEMPLATES } from '../src/commands/init-templates.js';
import { HOSTILE_NAMES } from './hostile-names.js';
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
      '.github/workflows/modelgate-site.yml',
      'modelgate.yaml',
      'registry/registry.yaml',
    ]);
    expect(run.stdout).toBe(
      `modelgate init: 8 files in ${dir}\n${Object.keys(files)
        .filter((f) => f !== '.github/CODEOWNERS')
        .sort((a, b) => (a === 'modelgate.yaml' ? -1 : b === 'modelgate.yaml' ? 1 : a.localeCompare(b)))
        .concat('.github/CODEOWNERS')
        .map((f) => `  wrote    ${f}`)
        .join(
          '\n',
        )}\n\nThe workflows run example/modelgate@${SHA}.\nNext: put your data where modelgate.yaml says, run \`modelgate validate\` and \`modelgate train --out model\`,\nthen commit. Self-hosted runners need the labels the workflows ask for (see ACTIONS.md).\n`,
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
      [['--task', 'ranking'], /--task "ranking": expected one of binary, multiclass, regression\./],
      [['--data', '../outside.csv'], /--data "\.\.\/outside\.csv": expected a path inside the repository\./],
      [['--toolkit-ref', 'main\n  evil: x'], /--toolkit-ref "main\\n {2}evil: x": not a full commit SHA/],
      [
        ['--toolkit-ref', 'main\n  evil: x', '--allow-unpinned'],
        /--toolkit-ref "main\\n {2}evil: x": expected letters/,
      ],
      [
        ['--owners', 'not an owner'],
        /--owners "not an owner": expected @user, @org\/team or an e-mail address\./,
      ],
      [['--model', '../x'], /^modelgate: error: Invalid --model "\.\.\/x": has characters other than/],
    ];
    for (const [flags, message] of cases) {
      const run = await runCli(['init', '--dir', dir, ...flags]);
      expect(run.code, flags.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.split('\n'), 'one line').toHaveLength(2);
    }
    expect(await tree(dir)).toEqual({});
    const missing = await runCli(['init', '--dir', tmp.path('nope')]);
    expect(missing.stderr).toBe(`modelgate: error: --dir ${tmp.path('nope')}: no such directory.\n`);
  });

  it('refuses every model name the registry refuses, in one line, before writing anything', async () => {
    const dir = await repo('hostile');
    for (const model of HOSTILE_NAMES) {
      const run = await runCli(['init', '--dir', dir, '--model', model]);
      expect(run.code, model).toBe(2);
      expect(run.stderr, model).toMatch(/^modelgate: error: Invalid --model "[^\n]*": [^\n]*\.\n$/);
    }
    const long = await runCli(['init', '--dir', dir, '--model', 'm'.repeat(300)]);
    expect(long.stderr).toContain('is longer than 100 characters');
    expect(await tree(dir)).toEqual({});
    expect((await runCli(['init', '--dir', dir, '--model', 'm'.repeat(100)])).code).toBe(0);
  });
});

describe('modelgate init pins the toolkit', () => {
  const toolkitUses = (files: Record<string, string>) =>
    Object.entries(files)
      .filter(([path]) => path.startsWith('.github/workflows/'))
      .flatMap(([, text]) => [...text.matchAll(/uses: (.+)$/gm)].map((m) => m[1] ?? ''));

  it('without flags, to the commit of the toolkit it runs from, in every uses: it writes', async () => {
    const dir = await repo('default-pin');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const run = await runCli(['init', '--dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    const files = await tree(dir);
    const uses = toolkitUses(files);
    expect(uses).toHaveLength(6);
    for (const ref of uses)
      expect(ref).toMatch(new RegExp(`^modelgate/modelgate/\\.github/workflows/[a-z-]+\\.yml@${head}$`));
    expect(files['.github/workflows/modelgate-register.yml']).toContain(`toolkit-ref: ${head}`);
    expect(files['modelgate.yaml']).toContain(`raw.githubusercontent.com/modelgate/modelgate/${head}/`);
    expect(run.stdout).toContain(`The workflows run modelgate/modelgate@${head}.`);
    expect(run.stdout).not.toMatch(/warning|notice/);
  });

  it('refuses a tag or branch for --toolkit-ref unless --allow-unpinned, then warns on stderr', async () => {
    const dir = await repo('tag');
    const refused = await runCli(['init', '--dir', dir, '--toolkit-ref', 'v0.1.0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'modelgate: error: --toolkit-ref "v0.1.0": not a full commit SHA (40 hex digits). A tag or branch can be moved to other code, which then runs with your workflows\' secrets: pass the commit\'s SHA, or --allow-unpinned to use it anyway.\n',
    );
    expect(await tree(dir)).toEqual({});

    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    const allowed = await runCli([
      'init',
      '--dir',
      dir,
      '--toolkit-ref',
      'v0.1.0',
      '--allow-unpinned',
    ]).finally(() => spy.mockRestore());
    expect(allowed.code).toBe(0);
    expect(stderr.join('')).toContain(
      'warning: the workflows run modelgate/modelgate at "v0.1.0", a tag or branch that can move (--allow-unpinned)',
    );
    expect(allowed.stdout).not.toContain('warning');
    expect(allowed.stdout).toContain('The workflows run modelgate/modelgate@v0.1.0 (not pinned).');
    expect(toolkitUses(await tree(dir)).every((ref) => ref.endsWith('@v0.1.0'))).toBe(true);
  });

  it('takes an upper-case SHA as the commit it names, and reports the choice under --json', async () => {
    const dir = await repo('json');
    const run = await runCli(['--json', 'init', '--dir', dir, '--toolkit-ref', SHA.toUpperCase()]);
    expect(JSON.parse(run.stdout).toolkit).toEqual({
      repository: 'modelgate/modelgate',
      ref: SHA,
      pinned: true,
    });
  });

  it('asks for --toolkit-ref when the build recorded no commit (built outside git)', async () => {
    const dir = await repo('no-pin');
    const flags = { dir, task: 'binary', target: 'y', data: 'data/train.csv', branch: 'main' };
    const unpinned = { repository: 'modelgate/modelgate', commit: null };
    await expectUserError(
      initProject(flags, unpinned),
      /^--toolkit-ref: required: this modelgate was built outside a git checkout/,
    );
    await expectUserError(
      initProject(flags, { repository: null, commit: SHA }),
      /^--toolkit-repository: required/,
    );
    expect(await tree(dir)).toEqual({});
    const given = await initProject({ ...flags, toolkitRef: SHA }, unpinned);
    expect(given.toolkit).toEqual({ repository: 'modelgate/modelgate', ref: SHA, pinned: true });
  });
});
