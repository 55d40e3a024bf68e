import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  OutputAppeared,
  placeExclusively,
  publishFiles,
  withDatabase,
  writeFileAtomic,
} from '@modelgate/core';
import { type BatchModel, type BatchOptions, predictBatch, resolveModel } from '@modelgate/runtime';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { nullIntolerantClassifier, PENGUINS } from '../../runtime/test/batch-fixtures.js';
import { contents } from './dir-contents.js';
import { writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

/** The repository's own registered penguins model: an ONNX file that records its spec. */
const REGISTERED_MODEL = join(
  import.meta.dirname,
  '../../../registry/penguins-species/versions/v1/model.onnx',
);
const MINE = 'a file the user wrote while predict ran\n';
const tmp = useTempDir('predict-no-clobber');

/** A fresh folder per test, so each one's listing is its own. */
async function folder(name: string): Promise<string> {
  const dir = tmp.path(name);
  await mkdir(dir);
  return dir;
}

async function expectAppeared(work: Promise<unknown>, path: string): Promise<void> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutputAppeared);
  expect((err as OutputAppeared).path).toBe(path);
}

describe('publishFiles: no-clobber unless replace', () => {
  it('refuses a target that exists, keeping it and leaving the temp to the caller', async () => {
    const dir = await folder('publish-exists');
    await writeFile(join(dir, 'out.csv'), MINE);
    await writeFile(join(dir, 'out.tmp'), 'ours\n');
    await expectAppeared(
      publishFiles([{ temp: join(dir, 'out.tmp'), target: join(dir, 'out.csv') }], { replace: false }),
      join(dir, 'out.csv'),
    );
    expect(await contents(dir)).toEqual({ 'out.csv': MINE, 'out.tmp': 'ours\n' });
  });

  it('publishes all or none: a later target that exists takes back the ones already published', async () => {
    const dir = await folder('publish-all-or-none');
    await writeFile(join(dir, 'a.tmp'), 'a\n');
    await writeFile(join(dir, 'b.tmp'), 'b\n');
    await writeFile(join(dir, 'b.csv'), MINE);
    const files = [
      { temp: join(dir, 'a.tmp'), target: join(dir, 'a.csv') },
      { temp: join(dir, 'b.tmp'), target: join(dir, 'b.csv') },
    ];
    await expectAppeared(publishFiles(files, { replace: false }), join(dir, 'b.csv'));
    expect(await contents(dir)).toEqual({ 'a.tmp': 'a\n', 'b.tmp': 'b\n', 'b.csv': MINE });
  });

  it('moves every temp onto its free target, and with replace over one that exists', async () => {
    const dir = await folder('publish-ok');
    await writeFile(join(dir, 'a.tmp'), 'a\n');
    await publishFiles([{ temp: join(dir, 'a.tmp'), target: join(dir, 'a.csv') }], { replace: false });
    await writeFile(join(dir, 'b.tmp'), 'b\n');
    await writeFile(join(dir, 'b.csv'), MINE);
    await publishFiles([{ temp: join(dir, 'b.tmp'), target: join(dir, 'b.csv') }], { replace: true });
    expect(await contents(dir)).toEqual({ 'a.csv': 'a\n', 'b.csv': 'b\n' });
  });

  it('the fallback without hard links (an exclusive create) is no-clobber too', async () => {
    const dir = await folder('publish-exclusive');
    await writeFile(join(dir, 'a.tmp'), 'a\n');
    await writeFile(join(dir, 'a.csv'), MINE);
    await expectAppeared(placeExclusively(join(dir, 'a.tmp'), join(dir, 'a.csv')), join(dir, 'a.csv'));
    expect(await contents(dir)).toEqual({ 'a.tmp': 'a\n', 'a.csv': MINE });
    await placeExclusively(join(dir, 'a.tmp'), join(dir, 'b.csv'));
    expect(await contents(dir)).toEqual({ 'a.csv': MINE, 'b.csv': 'a\n' });
  });

  it('writeFileAtomic without replace keeps a file there and leaves no temp file', async () => {
    const dir = await folder('atomic');
    await writeFile(join(dir, 'schema.json'), MINE);
    await expectAppeared(
      writeFileAtomic(join(dir, 'schema.json'), '{}\n', { replace: false }),
      join(dir, 'schema.json'),
    );
    expect(await contents(dir)).toEqual({ 'schema.json': MINE });
  });
});

/** Scores penguins, chunk by chunk; `appear` runs once, at the first chunk written, well before the end. */
function scorePenguins(
  model: BatchModel,
  options: Omit<BatchOptions, 'model' | 'input'>,
  appear: () => void,
) {
  let appeared = false;
  return withDatabase((db) =>
    predictBatch(db, {
      model,
      input: { path: PENGUINS },
      workers: 0,
      chunkRows: 50,
      ...options,
      onProgress: () => {
        if (appeared) return;
        appeared = true;
        appear();
      },
    }),
  );
}

describe('predictBatch: a file that appears during the run', () => {
  it('at the output is kept without replace, and nothing of the run is left', async () => {
    const dir = await folder('batch-output');
    const output = join(dir, 'scores.csv');
    const model = await resolveModel(REGISTERED_MODEL, { registry: tmp.dir });
    await expectAppeared(
      scorePenguins(model, { output, replace: false }, () => writeFileSync(output, MINE)),
      output,
    );
    expect(await contents(dir)).toEqual({ 'scores.csv': MINE });
  });

  it('at the output is replaced with replace', async () => {
    const dir = await folder('batch-output-replace');
    const output = join(dir, 'scores.csv');
    const model = await resolveModel(REGISTERED_MODEL, { registry: tmp.dir });
    const result = await scorePenguins(model, { output, replace: true }, () => writeFileSync(output, MINE));
    expect(result.scored).toBe(344);
    expect(Object.keys(await contents(dir))).toEqual(['scores.csv']);
    const lines = (await readFile(output, 'utf8')).trim().split('\n');
    expect(lines[0]).toMatch(/^row,label,probability_/);
    expect(lines).toHaveLength(345);
  });

  it('at the reject file is kept without replace, and the output is not published either', async () => {
    const dir = await folder('batch-rejects');
    const output = join(dir, 'scores.csv');
    const rejects = join(dir, 'scores.rejects.csv');
    const model = { ...nullIntolerantClassifier(), label: 'null-intolerant' };
    await expectAppeared(
      scorePenguins(model, { output, onError: 'reject', replace: false }, () => writeFileSync(rejects, MINE)),
      rejects,
    );
    expect(await contents(dir)).toEqual({ 'scores.rejects.csv': MINE });
  });
});

describe('modelgate predict: an --output that appears during the run', () => {
  /**
   * Runs predict with its model read from a named pipe: opening the pipe to write waits until
   * predict opens it to read the model, which it does only after checking --output. The user's
   * file is written then, before predict has the model, so it appears during the run.
   */
  async function predictWhileUserWrites(root: string, force: boolean) {
    const pipe = join(root, 'piped.onnx');
    execFileSync('mkfifo', [pipe]);
    const argv = ['predict', '--model', 'piped.onnx', '--input', 'data/penguins.json', '--workers', '0'];
    const run = runCli([...argv, '--output', 'scores.csv', ...(force ? ['--force'] : [])], { cwd: root });
    const writer = await open(pipe, 'w');
    await writeFile(join(root, 'scores.csv'), MINE);
    await writer.writeFile(await readFile(REGISTERED_MODEL));
    await writer.close();
    return run;
  }

  it('is refused without --force in one line naming the flag, the path and --force; kept, no temp left', async () => {
    const root = await writeProject(await folder('cli-refused'));
    const before = await contents(root);
    const run = await predictWhileUserWrites(root, false);
    expect(run.stderr).toBe(
      'modelgate: error: --output scores.csv: appeared while this command was running; it is left as it is. Pass --force to replace it, or choose another path for the predictions.\n',
    );
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
    expect(await contents(root)).toEqual({ ...before, 'scores.csv': MINE });
  });

  it('is replaced with --force', async () => {
    const root = await writeProject(await folder('cli-force'));
    const before = await contents(root);
    const run = await predictWhileUserWrites(root, true);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const after = await contents(root);
    expect(Object.keys(after).sort()).toEqual([...Object.keys(before), 'scores.csv'].sort());
    expect(after['scores.csv']?.split('\n')[0]).toMatch(/^row,label,probability_/);
  });
});
