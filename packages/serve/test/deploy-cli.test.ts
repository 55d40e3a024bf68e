import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deployLocal } from '../../cli/src/commands/deploy-local.js';
import { createContext } from '../../cli/src/context.js';
import { runCli } from '../../cli/test/run-cli.js';
import { useTempDir } from '../../core/test/fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const REGISTRY = join(here, '../../../registry');
const temp = useTempDir('deploy-cli');
/** `modelgate deploy --target k8s --registry <the repository's registry> [flags]`. */
const k8s = (...flags: string[]) => ['deploy', '--target', 'k8s', '--registry', REGISTRY, ...flags];

describe('modelgate deploy (CLI)', () => {
  it('--target k8s writes the directory and says how to apply and build it', async () => {
    const out = temp.path('deploy');
    const run = await runCli(k8s('--model', 'penguins-species#staging', '--out', out, '--replicas', '3'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`wrote ${out}/ for penguins-species@v1 (image penguins-species:v1)`);
    expect(run.stdout).toContain(`kubectl apply -k ${out}`);
    expect(await readdir(out)).toContain('deployment.yaml');
    const json = await runCli([
      '--json',
      ...k8s('--model', 'penguins-species@v1', '--out', out, '--replicas', '3'),
    ]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      model: 'penguins-species',
      version: 'v1',
      replaced: expect.arrayContaining(['Dockerfile']),
    });
  });

  it('names the bad flag in one line with exit code 2', async () => {
    const bad = await runCli([
      'deploy',
      '--target',
      'helm',
      '--registry',
      REGISTRY,
      '--model',
      'penguins-species',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "--target 'helm': unknown target. Expected one of k8s, image, modelcar, local.",
    );
    const replicas = await runCli(
      k8s('--model', 'penguins-species', '--out', temp.path('x'), '--replicas', 'many'),
    );
    expect(replicas.code).toBe(2);
    expect(replicas.stderr).toContain("--replicas 'many'");
  });

  it('--target local serves the model until stopped', async () => {
    const outcome = await deployLocal(
      { registry: REGISTRY, model: 'penguins-species#staging', host: '127.0.0.1', port: '0' },
      createContext({ json: true }),
      async (url) => {
        const ready = await fetch(`${url}/v2/health/ready`);
        expect(ready.status).toBe(200);
      },
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.text).toMatch(/^stopped serving penguins-species#staging at http:\/\/127\.0\.0\.1:\d+$/);
  });
});
