import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { contents } from './dir-contents.js';
import { PENGUINS_CONFIG, writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-train-outputs');

/** A grid of two logistic regressions: real models, trained in a second each. */
const CONFIG = `${PENGUINS_CONFIG}train:
  metric: accuracy
  search: {strategy: grid}
  candidates:
    - algorithm: logistic
      params: {l2: {choice: [1, 10]}}
`;
/** A trainer of the user's that always fails: every trial of the search fails. */
const FAILING_CONFIG = `${PENGUINS_CONFIG}train:
  metric: accuracy
  candidates:
    - command: node -e "process.exit(3)"
`;
const MINE = 'notes.txt';
const MY_NOTES = 'my notes: the command must never touch this\n';
const STALE = 'left from an earlier run\n';
/** What evaluate writes, in the order it names them. */
const EVALUATION = ['evaluation.json', 'report.md', 'report.html'];

const error = (line: string) => `modelgate: error: ${line}\n`;
const exists = (path: string) =>
  readFile(path).then(
    () => true,
    () => false,
  );

/** A directory the user keeps a file of their own in. */
async function userDir(path: string): Promise<string> {
  await mkdir(path, { recursive: true });
  await writeFile(join(path, MINE), MY_NOTES);
  return path;
}

describe('train plan refuses an earlier plan in --out unless --force', () => {
  let root: string;
  beforeAll(async () => {
    root = await writeProject(tmp.path('plan'), CONFIG);
    expect((await runCli(['split', '--out', 'splits'], { cwd: root })).code).toBe(0);
  });

  it('refuses with one line, touching nothing; --force replaces the plan and removes its trial results', async () => {
    const out = await userDir(join(root, 'plan'));
    const plan = ['train', 'plan', '--splits', 'splits', '--out', 'plan'];
    expect((await runCli(plan, { cwd: root })).code).toBe(0);
    // A job of the earlier plan ran: its result sits in the plan, where collect looks.
    expect((await runCli(['train', 'trial', '--plan', 'plan', '--id', '1'], { cwd: root })).code).toBe(0);
    await writeFile(join(out, 'matrix.json'), STALE);

    const before = await contents(out);
    const refused = await runCli(plan, { cwd: root });
    expect(refused.stderr).toBe(
      error(
        '--out plan: already holds plan.json and 3 more of the files it would write. Pass --force to replace them, or choose another directory for the plan.',
      ),
    );
    expect(refused.code).toBe(2);
    expect(await contents(out)).toEqual(before);

    const forced = await runCli([...plan, '--force'], { cwd: root });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`Removed ${join('plan', 'trials')}: the earlier plan's trial results.\n`);
    expect((await readdir(out)).sort()).toEqual(['matrix.json', MINE, 'plan.json', 'splits']);
    expect(await readFile(join(out, 'matrix.json'), 'utf8')).toBe('{"include":[{"id":0},{"id":1}]}\n');
    expect(await readFile(join(out, MINE), 'utf8')).toBe(MY_NOTES);
    // The splits directory replaced, with the same files (a rename over the old one would have failed).
    expect(Object.keys(await contents(join(out, 'splits')))).toEqual(
      Object.keys(before).flatMap((f) => (f.startsWith('splits/') ? [f.slice('splits/'.length)] : [])),
    );
  });

  it('takes --force given before the subcommand, as it takes --out there', async () => {
    await userDir(join(root, 'before'));
    const plan = ['plan', '--splits', 'splits', '--out', 'before'];
    expect((await runCli(['train', ...plan], { cwd: root })).code).toBe(0);
    expect((await runCli(['train', ...plan], { cwd: root })).code).toBe(2);
    const forced = await runCli(['train', '--force', ...plan], { cwd: root });
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(await readFile(join(root, 'before', MINE), 'utf8')).toBe(MY_NOTES);
  });
});

describe('train trial --out refuses an earlier trial result unless --force', () => {
  let root: string;
  beforeAll(async () => {
    root = await writeProject(tmp.path('trial'), CONFIG);
    expect((await runCli(['train', 'plan', '--out', 'plan'], { cwd: root })).code).toBe(0);
  });

  it('refuses with one line, touching nothing; --force (before or after trial) replaces only its files', async () => {
    const out = await userDir(join(root, 'result'));
    const trial = ['trial', '--plan', 'plan', '--id', '0', '--out', 'result'];
    const first = await runCli(['train', ...trial], { cwd: root });
    expect(first.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['model.onnx', MINE, 'result.json']);
    await writeFile(join(out, 'result.json'), STALE);

    const before = await contents(out);
    const refused = await runCli(['train', ...trial], { cwd: root });
    expect(refused.stderr).toBe(
      error(
        '--out result: already holds result.json and 1 more of the files it would write. Pass --force to replace them, or choose another directory for the trial result.',
      ),
    );
    expect(refused.code).toBe(2);
    expect(await contents(out)).toEqual(before);

    for (const argv of [
      ['train', ...trial, '--force'],
      ['train', '--force', ...trial],
    ]) {
      await writeFile(join(out, 'result.json'), STALE);
      const forced = await runCli(argv, { cwd: root });
      expect(forced.code).toBe(0);
      expect(JSON.parse(await readFile(join(out, 'result.json'), 'utf8'))).toMatchObject({ id: 0 });
      expect(await readFile(join(out, MINE), 'utf8')).toBe(MY_NOTES);
      expect((await readdir(out)).sort()).toEqual(['model.onnx', MINE, 'result.json']);
    }
  });

  it("the plan's own directory for the trial is replaced without --force: a retried job writes there again", async () => {
    const trial = ['train', 'trial', '--plan', 'plan', '--id', '1'];
    expect((await runCli(trial, { cwd: root })).code).toBe(0);
    await writeFile(join(root, 'plan', 'trials', '1', 'result.json'), STALE);
    expect((await runCli(trial, { cwd: root })).code).toBe(0);
    expect(await readFile(join(root, 'plan', 'trials', '1', 'result.json'), 'utf8')).not.toBe(STALE);
    // So --force there would do nothing: a mistake, said as one.
    for (const argv of [
      [...trial, '--force'],
      ['train', '--force', ...trial.slice(1)],
    ]) {
      const refused = await runCli(argv, { cwd: root });
      expect(refused.stderr).toBe(
        error(
          "--force: only used with --out, to replace a trial result there (the plan's own directory for a trial is always replaced).",
        ),
      );
      expect(refused.code).toBe(2);
    }
  });

  it('a trial that fails where it once succeeded leaves no model of that run beside its failed result', async () => {
    expect((await runCli(['train', 'plan', '--out', 'again'], { cwd: root })).code).toBe(0);
    const trial = ['train', 'trial', '--plan', 'again', '--id', '0', '--out', 'again-0'];
    expect((await runCli(trial, { cwd: root })).code).toBe(0);
    // The job runs again on a plan whose trial the trainer now refuses.
    const planFile = join(root, 'again', 'plan.json');
    const plan = JSON.parse(await readFile(planFile, 'utf8'));
    plan.trials[0].params.l2 = -5;
    await writeFile(planFile, JSON.stringify(plan));
    const failed = await runCli([...trial, '--force'], { cwd: root });
    expect(failed.stdout).toMatch(/^Trial 0 \(logistic\) failed/);
    expect(await readdir(join(root, 'again-0'))).toEqual(['result.json']);
  });
});

describe("train --force removes the earlier model's evaluation, and nothing the user made", () => {
  let root: string;
  beforeAll(async () => {
    root = await writeProject(tmp.path('evaluated'), CONFIG);
    expect((await runCli(['split', '--out', 'splits'], { cwd: root })).code).toBe(0);
  });
  const evaluate = (out: string) => [
    'evaluate',
    '--model',
    out,
    '--splits',
    'splits',
    '--no-baseline',
    '--out',
    out,
  ];
  const removedLine = (out: string) =>
    `Removed ${EVALUATION.map((f) => join(out, f)).join(', ')}: the evaluation of the model this run replaced.\n`;

  it.each([
    { command: 'train', argv: ['train', '--splits', 'splits', '--out', 'model'], out: 'model' },
    {
      command: 'train collect',
      argv: ['train', 'collect', '--plan', 'plan', '--out', 'collected'],
      out: 'collected',
    },
  ])('$command', async ({ command, argv, out }) => {
    if (command === 'train collect') {
      expect(
        (await runCli(['train', 'plan', '--splits', 'splits', '--out', 'plan'], { cwd: root })).code,
      ).toBe(0);
      for (const id of ['0', '1'])
        expect((await runCli(['train', 'trial', '--plan', 'plan', '--id', id], { cwd: root })).code).toBe(0);
    }
    const dir = await userDir(join(root, out));
    // A report of the user's own, named like none of evaluate's.
    await writeFile(join(dir, 'report-notes.md'), MY_NOTES);
    expect((await runCli(argv, { cwd: root })).code).toBe(0);
    expect([0, 1]).toContain((await runCli(evaluate(out), { cwd: root })).code);
    for (const file of EVALUATION) expect(await exists(join(dir, file))).toBe(true);

    // Refused without --force: the evaluation stays with the model it describes.
    expect((await runCli(argv, { cwd: root })).code).toBe(2);
    for (const file of EVALUATION) expect(await exists(join(dir, file))).toBe(true);

    const forced = await runCli(['--json', ...argv, '--force'], { cwd: root });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).removed).toEqual(EVALUATION.map((f) => join(out, f)));
    for (const file of EVALUATION) expect(await exists(join(dir, file))).toBe(false);
    expect(await readFile(join(dir, MINE), 'utf8')).toBe(MY_NOTES);
    expect(await readFile(join(dir, 'report-notes.md'), 'utf8')).toBe(MY_NOTES);
    expect(await exists(join(dir, 'model.onnx'))).toBe(true);

    // Evaluated again, then retrained: the text says what went and why.
    expect([0, 1]).toContain((await runCli(evaluate(out), { cwd: root })).code);
    const text = await runCli([...argv, '--force'], { cwd: root });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(removedLine(out));
    // Nothing to remove: no line about it.
    const again = await runCli([...argv, '--force'], { cwd: root });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('Removed');
  });

  it('when every trial fails, the old model goes and its evaluation with it, and a line says so', async () => {
    const project = await writeProject(tmp.path('failing'), CONFIG);
    expect((await runCli(['train', '--out', 'model'], { cwd: project })).code).toBe(0);
    const evaluated = await runCli(['evaluate', '--model', 'model', '--no-baseline', '--out', 'model'], {
      cwd: project,
    });
    expect([0, 1]).toContain(evaluated.code);
    await writeFile(join(project, 'modelgate.yaml'), FAILING_CONFIG);
    // The line comes before the error, from the user's log on stderr.
    const log = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let logged: string[] = [];
    const failed = await runCli(['train', '--out', 'model', '--force'], { cwd: project }).finally(() => {
      logged = log.mock.calls.map(([chunk]) => String(chunk));
      log.mockRestore();
    });
    expect(failed.code).toBe(2);
    expect(logged).toContain(removedLine('model'));
    expect(failed.stderr).toMatch(/modelgate: error: all 1 trials? failed\./);
    const left = await readdir(join(project, 'model'));
    for (const file of [...EVALUATION, 'model.onnx']) expect(left).not.toContain(file);
  });
});
