import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import {
  archive,
  listModels,
  listVersions,
  modelHistory,
  openRepo,
  promote,
  readDeprecated,
  readStages,
  registerVersion,
  rollback,
  showVersion,
} from '../src/index.js';
import { git, log, status, useGitSandbox } from './git-fixture.js';

const sandbox = useGitSandbox('registry-promote');

/** A repository whose registry holds `count` versions of `name`. */
async function registryWith(name: string, count: number): Promise<{ repo: string; registryDir: string }> {
  const repo = await sandbox.repo();
  const registryDir = join(repo, 'registry');
  for (let i = 1; i <= count; i++) {
    await registerVersion({
      registryDir,
      name,
      model: await sandbox.artifacts({ model: { note: `${name} ${i}` } }),
    });
  }
  return { repo, registryDir };
}

describe('promote', () => {
  let repo: string;
  let registryDir: string;
  beforeAll(async () => {
    ({ repo, registryDir } = await registryWith('fraud', 3));
  });

  it('refuses production for a version that never passed staging', async () => {
    await expectUserError(
      promote({ registryDir, name: 'fraud', stage: 'production', version: 'v1' }),
      /production takes versions that passed staging, and v1 has not been in staging/,
    );
    await expectUserError(
      promote({ registryDir, name: 'fraud', stage: 'production' }),
      /no version in staging to promote to production/,
    );
  });

  it('promotes the latest version to staging, then production takes what staging serves', async () => {
    const staged = await promote({ registryDir, name: 'fraud', stage: 'staging' });
    expect(staged).toMatchObject({ version: 'v3', previous: null, changed: true });
    const prod = await promote({ registryDir, name: 'fraud', stage: 'production' });
    expect(prod).toMatchObject({ version: 'v3', previous: null, changed: true });
    expect(await readStages(registryDir, 'fraud')).toEqual({ staging: 'v3', production: 'v3' });
    expect(await readFile(join(registryDir, 'fraud', 'stages.yaml'), 'utf8')).toMatch(
      /\nstaging: v3\nproduction: v3\n$/,
    );
    expect((await log(repo)).slice(0, 2)).toEqual([
      'registry: promote fraud v3 to production',
      'registry: promote fraud v3 to staging',
    ]);
  });

  it('is a no-op when the stage already serves the version', async () => {
    const before = await log(repo);
    expect(await promote({ registryDir, name: 'fraud', stage: 'staging', version: 'v3' })).toMatchObject({
      changed: false,
      commit: null,
    });
    expect(await log(repo)).toEqual(before);
  });

  it('accepts a version that passed staging earlier, read from the history of stages.yaml', async () => {
    await promote({ registryDir, name: 'fraud', stage: 'staging', version: 'v1' });
    await promote({ registryDir, name: 'fraud', stage: 'staging', version: 'v2' });
    const moved = await promote({ registryDir, name: 'fraud', stage: 'production', version: 'v1' });
    expect(moved).toMatchObject({ version: 'v1', previous: 'v3', changed: true });
    expect(moved.commit).toBe((await git(repo, 'rev-parse', 'HEAD')).trim());
  });

  it('rolls a stage back to the version it served before, and to a named earlier one', async () => {
    const back = await rollback({ registryDir, name: 'fraud', stage: 'production' });
    expect(back).toMatchObject({ version: 'v3', previous: 'v1', changed: true });
    expect((await log(repo))[0]).toBe('registry: roll back fraud production to v3 (was v1)');
    expect(await rollback({ registryDir, name: 'fraud', stage: 'production', version: 'v1' })).toMatchObject({
      version: 'v1',
    });
    await expectUserError(
      rollback({ registryDir, name: 'fraud', stage: 'production', version: 'v2' }),
      /v2 has never been in production/,
    );
  });

  it('archives a version: it cannot be promoted; a version serving a stage cannot be archived', async () => {
    await expectUserError(archive({ registryDir, name: 'fraud', version: 'v1' }), /serves production/);
    const done = await archive({ registryDir, name: 'fraud', version: 'v3', reason: 'leaks the label' });
    expect(done).toMatchObject({ version: 'v3', changed: true });
    expect(await readDeprecated(registryDir, 'fraud')).toMatchObject({ v3: { reason: 'leaks the label' } });
    await expectUserError(
      promote({ registryDir, name: 'fraud', stage: 'staging', version: 'v3' }),
      /v3 is archived \(leaks the label\) and cannot be promoted/,
    );
    expect(await archive({ registryDir, name: 'fraud', version: 'v3' })).toMatchObject({ changed: false });
    // Rollback skips archived versions: production served v1, v3, v1; v3 is archived.
    await expectUserError(
      rollback({ registryDir, name: 'fraud', stage: 'production' }),
      /no earlier version/,
    );
  });

  it('names unknown stages, versions and models', async () => {
    await expectUserError(
      promote({ registryDir, name: 'fraud', stage: 'canary' }),
      /Unknown stage 'canary'.*staging, production/,
    );
    await expectUserError(
      promote({ registryDir, name: 'fraud', stage: 'staging', version: 'v9' }),
      /no version v9/,
    );
    await expectUserError(
      promote({ registryDir, name: 'nope', stage: 'staging' }),
      /No model 'nope'.*Models: fraud/,
    );
    await expectUserError(promote({ registryDir, name: '../x', stage: 'staging' }), /Invalid model name/);
  });

  it('tells the whole story from git log: who, when, which commit', async () => {
    const events = await modelHistory(await openRepo(registryDir), 'fraud');
    const summary = events.map((e) =>
      e.event === 'stage' ? `${e.stage}:${e.from ?? '-'}>${e.to ?? '-'}` : `${e.event}:${e.version}`,
    );
    expect(summary).toEqual([
      'archive:v3',
      'production:v3>v1',
      'production:v1>v3',
      'production:v3>v1',
      'staging:v1>v2',
      'staging:v3>v1',
      'production:->v3',
      'staging:->v3',
      'register:v3',
      'register:v2',
      'register:v1',
    ]);
    const head = (await git(repo, 'rev-parse', 'HEAD')).trim();
    expect(events[0]).toMatchObject({
      commit: head,
      author: 'modelgate',
      email: 'modelgate@users.noreply.github.com',
    });
    expect(events[0]?.date).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('lists models and versions and shows a version by stage, from the directory alone', async () => {
    const { models, settings } = await listModels(registryDir);
    expect(settings.stages).toEqual(['staging', 'production']);
    expect(models).toEqual([
      { name: 'fraud', versions: 3, latest: 'v3', stages: { staging: 'v2', production: 'v1' }, archived: 1 },
    ]);
    const { versions } = await listVersions(registryDir, 'fraud');
    expect(versions.map((v) => [v.version, v.stages, v.archived?.reason ?? null])).toEqual([
      ['v1', ['production'], null],
      ['v2', ['staging'], null],
      ['v3', [], 'leaks the label'],
    ]);
    expect(await showVersion(registryDir, 'fraud#production')).toMatchObject({
      version: 'v1',
      stages: ['production'],
    });
    expect(await showVersion(registryDir, 'fraud@v2.0.0')).toMatchObject({ version: 'v2' });
    expect(await showVersion(registryDir, 'fraud')).toMatchObject({ version: 'v3' });
    await expectUserError(showVersion(registryDir, 'fraud@v7'), /no version v7/);
  });

  it('refuses to overwrite uncommitted edits to stages.yaml', async () => {
    const file = join(registryDir, 'fraud', 'stages.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(file, `${original}# my edit\n`);
    await expectUserError(
      promote({ registryDir, name: 'fraud', stage: 'staging', version: 'v1' }),
      /uncommitted changes/,
    );
    expect(await readFile(file, 'utf8')).toBe(`${original}# my edit\n`);
    await writeFile(file, original);
    expect(await status(repo)).toBe('');
  });
});

describe('promotion rules from registry.yaml', () => {
  it('lets a stage take any version when its rule says from: null, and enforces a custom order', async () => {
    const { repo, registryDir } = await registryWith('churn', 2);
    await writeFile(
      join(registryDir, 'registry.yaml'),
      'stages: [dev, staging, production]\nrules:\n  dev: { from: null }\n  production: { from: dev }\n',
    );
    await git(repo, 'add', '.');
    await git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'three stages');
    await expectUserError(
      promote({ registryDir, name: 'churn', stage: 'staging', version: 'v1' }),
      /staging takes versions that passed dev/,
    );
    await promote({ registryDir, name: 'churn', stage: 'dev', version: 'v1' });
    await promote({ registryDir, name: 'churn', stage: 'production', version: 'v1' });
    expect(await readStages(registryDir, 'churn')).toEqual({ dev: 'v1', production: 'v1' });
  });

  it('reports a broken registry.yaml with the file and field', async () => {
    const { registryDir } = await registryWith('broken', 1);
    await writeFile(
      join(registryDir, 'registry.yaml'),
      'stages: [staging]\nrules:\n  production: { from: staging }\n',
    );
    await expectUserError(
      promote({ registryDir, name: 'broken', stage: 'staging' }),
      /registry\.yaml: rules\.production: 'production' is not one of the stages \(staging\)/,
    );
  });
});
