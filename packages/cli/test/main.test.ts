import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-main');

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
    const out = tmp.path('schema.json');
    const run = await runCli(['config', 'schema', '--out', out]);
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).title).toBe('modelgate.yaml');
  });

  it('under GitHub Actions, writes an error annotation for a user error', async () => {
    const jobSummary = await tmp.write('summary.md', '');
    const run = await runCli(['config', 'check', '--config', '/nonexistent/m.yaml'], { jobSummary });
    expect(run.code).toBe(2);
    expect(run.annotations).toContain('::error::/nonexistent/m.yaml: no such config file');
  });
});
