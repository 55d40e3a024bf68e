import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Service } from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expectUserError, useTempDir } from '../../core/test/fixtures.js';
import { canaryReplicas } from '../src/deploy/canary.js';
import { writeK8sDeployment } from '../src/deploy/index.js';
import { inferenceServiceValidator } from './kserve-schema.js';
import { MODEL, useServeRegistry } from './server-fixture.js';

const registry = useServeRegistry('deploy-canary');
const temp = useTempDir('deploy-canary');
let validateInferenceService: ValidateFunction;

beforeAll(async () => {
  validateInferenceService = await inferenceServiceValidator();
});

// biome-ignore lint/suspicious/noExplicitAny: assertions walk the manifests by path
async function readYaml(path: string): Promise<any> {
  return parse(await readFile(path, 'utf8'));
}

const deploy = (out: string, model: string, extra: { canary?: number; replicas?: number } = {}) =>
  writeK8sDeployment({ registry: registry().registryDir, model: `${MODEL}@${model}`, out, ...extra });

function podMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('modelgate deploy --target k8s --canary', () => {
  it('splits traffic between the deployed version and the new one, KServe by percent and Deployments by replica ratio', async () => {
    const out = temp.path('split');
    await deploy(out, 'v1', { replicas: 9 });
    const result = await deploy(out, 'v2', { replicas: 9, canary: 10 });
    expect(result.canary).toEqual({
      percent: 10,
      stable: `${MODEL}@v1`,
      stableReplicas: 9,
      canaryReplicas: 1,
      effectivePercent: 10,
    });
    expect(result.removed).toEqual(['hpa.yaml']);
    expect((await readdir(out)).sort()).toEqual(
      expect.arrayContaining(['canary-deployment.yaml', 'deployment.yaml', 'service.yaml']),
    );

    const stable = new Deployment(await readYaml(join(out, 'deployment.yaml')));
    const canary = new Deployment(await readYaml(join(out, 'canary-deployment.yaml')));
    const service = new Service(await readYaml(join(out, 'service.yaml')));
    for (const manifest of [stable, canary, service]) expect(() => manifest.validate()).not.toThrow();
    expect(stable.metadata?.name).toBe('penguins');
    expect(canary.metadata?.name).toBe('penguins-canary');
    expect(stable.spec?.replicas).toBe(9);
    expect(canary.spec?.replicas).toBe(1);
    expect(stable.spec?.template.metadata?.annotations?.['modelgate.dev/model']).toBe(`${MODEL}@v1`);
    expect(canary.spec?.template.metadata?.annotations?.['modelgate.dev/model']).toBe(`${MODEL}@v2`);
    expect(stable.spec?.template.spec?.containers[0]?.image).toBe('penguins:v1');
    expect(canary.spec?.template.spec?.containers[0]?.image).toBe('penguins:v2');
    // One Service in front of both: it selects the pods of each, so requests spread over all of them.
    const selector = service.spec?.selector ?? {};
    for (const d of [stable, canary]) {
      const labels = d.spec?.template.metadata?.labels ?? {};
      expect(podMatches(selector, labels)).toBe(true);
      expect(podMatches(d.spec?.selector.matchLabels ?? {}, labels)).toBe(true);
    }
    // The canary's own selector does not take the stable pods.
    const stableLabels = stable.spec?.template.metadata?.labels ?? {};
    expect(podMatches(canary.spec?.selector.matchLabels ?? {}, stableLabels)).toBe(false);
    expect((await readYaml(join(out, 'kustomization.yaml'))).resources).toEqual([
      'deployment.yaml',
      'canary-deployment.yaml',
      'service.yaml',
    ]);

    const isvc = await readYaml(join(out, 'kserve/inferenceservice.yaml'));
    expect(validateInferenceService(isvc), JSON.stringify(validateInferenceService.errors)).toBe(true);
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(10);
    expect(isvc.metadata.annotations['modelgate.dev/model']).toBe(`${MODEL}@v2`);
    // The validator can fail on this field.
    const broken = structuredClone(isvc);
    broken.spec.predictor.canaryTrafficPercent = 'ten';
    expect(validateInferenceService(broken)).toBe(false);
  });

  it('promotes by re-running without --canary, and rolls back with --canary 0', async () => {
    const out = temp.path('promote');
    await deploy(out, 'v1', { replicas: 3 });
    await deploy(out, 'v2', { replicas: 3, canary: 25 });
    const rollback = await deploy(out, 'v2', { replicas: 3, canary: 0 });
    expect(rollback.canary).toMatchObject({ canaryReplicas: 0, stableReplicas: 3, effectivePercent: 0 });
    const isvc = await readYaml(join(out, 'kserve/inferenceservice.yaml'));
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(0);
    expect(validateInferenceService(isvc)).toBe(true);

    const promoted = await deploy(out, 'v2', { replicas: 3 });
    expect(promoted.canary).toBeUndefined();
    expect(promoted.removed).toEqual(['canary-deployment.yaml']);
    const stable = await readYaml(join(out, 'deployment.yaml'));
    expect(stable.spec.template.metadata.annotations['modelgate.dev/model']).toBe(`${MODEL}@v2`);
    expect((await readYaml(join(out, 'kserve/inferenceservice.yaml'))).spec.predictor).not.toHaveProperty(
      'canaryTrafficPercent',
    );
  });

  it('weights: the replica ratio is the nearest to the percent with at least one canary pod', () => {
    expect(canaryReplicas(10, 9)).toEqual({ stable: 9, canary: 1 });
    expect(canaryReplicas(50, 2)).toEqual({ stable: 2, canary: 2 });
    expect(canaryReplicas(1, 2)).toEqual({ stable: 2, canary: 1 });
    expect(canaryReplicas(0, 4)).toEqual({ stable: 4, canary: 0 });
    expect(canaryReplicas(100, 4)).toEqual({ stable: 0, canary: 4 });
  });

  it('refuses a canary with nothing deployed, the deployed version itself, or a percent out of range', async () => {
    await expectUserError(
      () => deploy(temp.path('empty'), 'v2', { canary: 10 }),
      /--canary: .*deployment\.yaml is missing, so no version is deployed/,
    );
    const out = temp.path('same');
    await deploy(out, 'v1');
    await expectUserError(() => deploy(out, 'v1', { canary: 10 }), /is already the deployed version/);
    await expectUserError(
      () => deploy(out, 'v2', { canary: 101 }),
      /--canary 101: expected an integer from 0 to 100/,
    );
  });
});
