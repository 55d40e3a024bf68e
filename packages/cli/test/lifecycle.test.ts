import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import { writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const sandbox = useGitSandbox('cli-lifecycle');

describe('train -> register', () => {
  it("carries training's metrics, params and lineage into the registry's metadata", async () => {
    const repo = await writeProject(await sandbox.repo());
    const trained = await runCli(['train', '--out', 'out/model'], { cwd: repo });
    expect(trained.code).toBe(0);
    const registered = await runCli(['register', '--model', 'out/model'], { cwd: repo });
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);

    const version = join(repo, 'registry', 'penguins-species', 'versions', 'v1');
    const metadata = JSON.parse(await readFile(join(version, 'metadata.json'), 'utf8'));
    const lineage = JSON.parse(await readFile(join(repo, 'out/model/lineage.json'), 'utf8'));
    expect(metadata.task).toBe('multiclass');
    expect(metadata.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(['gbdt', 'logistic']).toContain(metadata.trainer);
    expect(metadata.metrics['validation.log_loss']).toBeGreaterThan(0);
    expect(metadata.metrics['validation.accuracy']).toBeGreaterThan(0.9);
    expect(Object.keys(metadata.params).length).toBeGreaterThan(0);
    expect(metadata.configHash).toBe(lineage.config.sha256);
    expect(metadata.code.commit).toBe(lineage.code.commit);
    expect(metadata.data.source.sha256).toBe(lineage.data.source.sha256);
    expect(await readFile(join(version, 'reference-profile.json'), 'utf8')).toBe(
      await readFile(join(repo, 'out/model/reference-profile.json'), 'utf8'),
    );
  });
});
