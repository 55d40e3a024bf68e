import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { HOSTILE_NAMES } from './hostile-names.js';
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

describe('an error is one line, whatever the names in it hold', () => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a one-line error must not hold.
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/;

  const commands = (name: string): string[][] => [
    ['init', '--dir', tmp.dir, '--model', name],
    ['register', '--model', tmp.path('no-model'), '--name', name, '--registry', tmp.path('registry')],
    ['promote', name, '--to', 'production', '--registry', tmp.path('registry')],
    ['deploy', '--target', 'k8s', '--model', `${name}#production`, '--registry', tmp.path('registry')],
    ['monitor', '--model', `${name}#production`, '--current', tmp.path('none.csv')],
    ['registry', 'history', name, '--registry', tmp.path('registry')],
    ['github', 'monitor-issue', '--model', name, '--monitor', tmp.path('monitor'), '--repo', 'o/r'],
    ['github', 'promotion-pr', '--model', name, '--stage', 'staging', '--repo', 'o/r'],
  ];

  it('every command that takes a model name refuses the hostile ones with exit 2 and one line', async () => {
    for (const name of HOSTILE_NAMES.filter(Boolean)) {
      for (const argv of commands(name)) {
        const run = await runCli(argv);
        const what = `${argv.slice(0, 2).join(' ')} ${JSON.stringify(name)}`;
        expect(run.code, what).toBe(2);
        expect(run.stderr, what).toMatch(/^modelgate: error: Invalid (--model|model name) "/);
        expect(run.stderr.endsWith('\n') && run.stderr.indexOf('\n') === run.stderr.length - 1, what).toBe(
          true,
        );
        expect(run.stderr, what).not.toMatch(CONTROL);
      }
    }
  });

  it('escapes control characters JSON-style, so what was typed stays readable', async () => {
    const run = await runCli(['promote', 'a\nb\u001b[31m', '--to', 'production']);
    expect(run.stderr).toBe(
      "modelgate: error: Invalid model name \"a\\nb\\u001b[31m\": has characters other than letters, digits, . - _ or does not start with a letter or digit. Expected letters, digits, '.', '-' or '_', starting with a letter or digit.\n",
    );
    const long = await runCli(['promote', 'x'.repeat(300), '--to', 'production']);
    expect(long.stderr).toMatch(
      /^modelgate: error: Invalid model name "x{119}…": is longer than 100 characters\./,
    );
  });

  it('holds for a message that does not quote (a path) and for commander’s own errors', async () => {
    const path = tmp.path('two\nlines', 'modelgate.yaml');
    const run = await runCli(['config', 'check', '--config', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `modelgate: error: ${path.replace('\n', '\\n')}: no such config file. Run 'modelgate init' or pass --config <file>.\n`,
    );
    const unknown = await runCli(['bogus\nmodelgate: error: forged']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "modelgate: error: unknown command 'bogus\\nmodelgate: error: forged'. Run with --help for usage.\n",
    );
    const usage = await runCli(['--json', 'valdate']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({
      error: "unknown command 'valdate'. Did you mean validate? Run with --help for usage.",
    });
    const json = await runCli(['--json', 'promote', 'a\nb', '--to', 'production']);
    expect(JSON.parse(json.stdout).error).toMatch(/^Invalid model name "a\\nb"/);
  });
});
