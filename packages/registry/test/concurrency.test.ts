import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyRegistry } from '../src/index.js';
import { git, useGitSandbox } from './git-fixture.js';

const run = promisify(execFile);
const sandbox = useGitSandbox('registry-race');
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./processes/register-and-push.ts', import.meta.url));

interface Landed {
  version: string;
  created: boolean;
  sha256: string;
  attempts: number;
}

describe('registering from many CI jobs against one remote', () => {
  it('lands every version exactly once with unique numbers, 10 processes, never forcing', async () => {
    const remote = await sandbox.remote('race');
    const seed = await remote.clone();
    await git(seed, 'config', 'user.name', 't');
    await git(seed, 'config', 'user.email', 't@t');
    await mkdir(join(seed, 'registry'));
    await writeFile(join(seed, 'registry', 'registry.yaml'), 'gto_tags: true\n');
    await git(seed, 'add', 'registry');
    await git(seed, 'commit', '-q', '-m', 'registry settings');
    await git(seed, 'push', '-q', 'origin', 'main');
    // Eight different models, and two jobs re-running the first one (identical bytes): ten jobs.
    const notes = [...Array.from({ length: 8 }, (_, i) => `model ${i}`), 'model 0', 'model 0'];
    const jobs = await Promise.all(
      notes.map(async (note) => ({
        clone: await remote.clone(),
        model: await sandbox.artifacts({ model: { note } }),
      })),
    );
    const results = await Promise.all(
      jobs.map(async ({ clone, model }) => {
        // Each job is its own OS process (node with tsx), as CI jobs are.
        const { stdout } = await run(
          process.execPath,
          [
            '--conditions=modelgate-source',
            '--import',
            'tsx',
            SCRIPT,
            join(clone, 'registry'),
            'race',
            model,
          ],
          { cwd: ROOT, timeout: 170_000 },
        );
        return JSON.parse(stdout) as Landed;
      }),
    );
    const created = results.filter((r) => r.created);
    expect(created).toHaveLength(8);
    const numbers = created.map((r) => Number(r.version.slice(1))).sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(created.map((r) => r.sha256)).size).toBe(8);
    // The re-runs got the version of the first model, whoever got there first.
    const first = results.filter((r) => r.sha256 === results[0]?.sha256);
    expect(first).toHaveLength(3);
    expect(new Set(first.map((r) => r.version)).size).toBe(1);
    // The remote holds eight register commits in one line of history, and one tag per version.
    const subjects = (await git(remote.bare, 'log', '--format=%s')).split('\n').filter(Boolean);
    expect(subjects.filter((s) => s.startsWith('registry: register race'))).toHaveLength(8);
    expect((await git(remote.bare, 'rev-list', '--merges', '--count', 'main')).trim()).toBe('0');
    const tags = (await git(remote.bare, 'tag', '--list')).split('\n').filter(Boolean).sort();
    expect(tags).toEqual(numbers.map((n) => `race@v${n}.0.0`).sort());
    const check = await remote.clone();
    expect(await verifyRegistry(join(check, 'registry'))).toMatchObject({ versions: 8, problems: [] });
    expect(results.some((r) => r.attempts > 1)).toBe(true);
  }, 180_000);
});
