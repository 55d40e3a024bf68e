import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './run-cli.js';

afterEach(() => vi.unstubAllEnvs());

describe('modelgate CLI', () => {
  it('prints help listing the lifecycle commands, exit 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['validate', 'profile', 'split', 'config', 'demo'])
      expect(run.stdout).toContain(command);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli(['bogus'])).code).toBe(2);
    const run = await runCli(['config', 'check', '--no-such-flag']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('turns a user error into one line on stderr and exit 2, with no stack', async () => {
    const run = await runCli(['config', 'check', '--config', '/nonexistent/modelgate.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "modelgate: error: /nonexistent/modelgate.yaml: no such config file. Run 'modelgate init' or pass --config <file>.\n",
    );
  });

  it('prints the error as JSON under --json', async () => {
    const run = await runCli(['--json', 'config', 'check', '--config', '/nonexistent/m.yaml']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ error: expect.stringContaining('no such config file') });
  });

  it('checks a config and prints it with defaults under --json', async () => {
    const run = await runCli(['--json', 'config', 'check', '--config', 'examples/penguins/modelgate.yaml']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ model: 'penguins-species', split: { seed: 42 } });
  });

  it('writes the JSON Schema atomically', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelgate-cli-'));
    const out = join(dir, 'schema.json');
    const run = await runCli(['config', 'schema', '--out', out]);
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).title).toBe('modelgate.yaml');
  });

  it('under GitHub Actions, writes an error annotation for a user error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelgate-gha-'));
    const summary = join(dir, 'summary.md');
    await writeFile(summary, '');
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const run = await runCli(['config', 'check', '--config', '/nonexistent/m.yaml']);
      expect(run.code).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('::error::/nonexistent/m.yaml: no such config file');
  });
});
