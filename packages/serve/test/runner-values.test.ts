import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Pod } from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const RUNNERS = join(dirname(fileURLToPath(import.meta.url)), '../../../deploy/runners');

/** The top-level keys the chart's values.yaml sets, or documents in a commented-out example. */
function chartKeys(valuesYaml: string): Set<string> {
  const keys = valuesYaml
    .split('\n')
    .map((line) => /^(?:# ?)?([A-Za-z][A-Za-z0-9]*):/.exec(line)?.[1])
    .filter((k): k is string => k !== undefined);
  return new Set(keys);
}

interface GpuValues {
  minRunners: number;
  maxRunners: number;
  template: { metadata?: object; spec: Record<string, unknown> };
}

describe('deploy/runners/gpu-values.yaml against the gha-runner-scale-set chart', () => {
  let values: GpuValues & Record<string, unknown>;
  let chartValues: string;
  beforeAll(async () => {
    values = parse(await readFile(join(RUNNERS, 'gpu-values.yaml'), 'utf8'));
    chartValues = await readFile(join(RUNNERS, 'chart', 'values.yaml'), 'utf8');
  });

  it("uses only keys the chart's values.yaml sets or documents", () => {
    const known = chartKeys(chartValues);
    expect(known).toContain('template');
    expect(known).toContain('minRunners');
    expect(Object.keys(values).filter((k) => !known.has(k))).toEqual([]);
  });

  it("passes the chart's values.schema.json", async () => {
    const schema = JSON.parse(await readFile(join(RUNNERS, 'chart', 'values.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...values, listenerConfig: { scaler: { qps: 0 } } })).toBe(false);
  });

  it('the runner pod template is a valid Pod spec: one GPU, tolerations, ephemeral, scale to zero', () => {
    const pod = new Pod({ metadata: { name: 'runner' }, spec: values.template.spec as never });
    expect(() => pod.validate()).not.toThrow();
    const runner = pod.spec?.containers.find((c) => c.name === 'runner');
    expect(runner?.command).toEqual(['/home/runner/run.sh']);
    expect(runner?.resources?.limits?.['nvidia.com/gpu']).toBe(1);
    expect(runner?.env).toContainEqual({ name: 'MODELGATE_DEVICE', value: 'cuda' });
    expect(runner?.env).toContainEqual({
      name: 'ACTIONS_RUNNER_HOOK_JOB_STARTED',
      value: '/home/runner/modelgate-doctor.sh',
    });
    expect(pod.spec?.tolerations).toContainEqual({
      key: 'nvidia.com/gpu',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    expect(values.minRunners).toBe(0);
    expect(values.maxRunners).toBeGreaterThan(0);
  });

  it('a broken template fails the Pod validation (the check can fail)', () => {
    const broken = new Pod({ metadata: { name: 'runner' }, spec: { containers: [{ image: 'x' }] } as never });
    expect(() => broken.validate()).toThrow();
  });
});
