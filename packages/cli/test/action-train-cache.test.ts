import { cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { OUTPUTS } from '../src/action/inputs.js';
import {
  type CacheService,
  restoreTrainOutputs,
  TRAIN_CACHE_PREFIX,
  trainCacheKey,
  trainKeyParts,
  verifyTrainOutputs,
} from '../src/action/train-cache.js';
import { literalStepEnv, readAction, runAction, stageAction, useActionEnv } from './action-harness.js';
import { PENGUINS_CONFIG, writeProject } from './project-fixture.js';

const tmp = useTempDir('action-train-cache');
useActionEnv();

const CONFIG = `${PENGUINS_CONFIG}train:
  metric: accuracy
  search: {strategy: random, trials: 1, seed: 3}
  candidates:
    - algorithm: logistic
`;

/** A cache service over a local directory: entries are copies, so a test can tamper with one. */
function directoryCache(root: string): CacheService & { saved: string[]; entry: (key: string) => string } {
  const entry = (key: string) => join(root, key);
  const saved: string[] = [];
  return {
    saved,
    entry,
    unavailable: () => undefined,
    restore: async ([path], key) => {
      const found = await stat(entry(key)).then(
        () => true,
        () => false,
      );
      if (!found || !path) return undefined;
      await cp(entry(key), path, { recursive: true });
      return key;
    },
    save: async ([path], key) => {
      if (!path) return;
      await cp(path, entry(key), { recursive: true });
      saved.push(key);
    },
  };
}

let project: string;
let key: string;

beforeAll(async () => {
  project = await writeProject(tmp.path('project'), CONFIG);
  const cwd = process.cwd();
  process.chdir(project);
  try {
    key = trainCacheKey(await trainKeyParts({}, '0.1.0'));
  } finally {
    process.chdir(cwd);
  }
});

describe('the run cache key', () => {
  async function keyIn(dir: string, version = '0.1.0'): Promise<string> {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      return trainCacheKey(await trainKeyParts({}, version));
    } finally {
      process.chdir(cwd);
    }
  }

  it('is stable for the same data, config and toolkit version, wherever the checkout is', async () => {
    expect(key).toMatch(new RegExp(`^${TRAIN_CACHE_PREFIX}[0-9a-f]{64}$`));
    expect(await keyIn(project)).toBe(key);
    const moved = await writeProject(tmp.path('elsewhere'), CONFIG);
    expect(await keyIn(moved)).toBe(key);
  });

  it('changes with the data, the config and the toolkit version', async () => {
    expect(await keyIn(project, '0.2.0')).not.toBe(key);
    const config = await writeProject(tmp.path('config'), CONFIG.replace('seed: 3', 'seed: 4'));
    expect(await keyIn(config)).not.toBe(key);
    const data = await writeProject(tmp.path('data'), CONFIG);
    const rows = JSON.parse(await readFile(join(data, 'data', 'penguins.json'), 'utf8')) as unknown[];
    await writeFile(join(data, 'data', 'penguins.json'), JSON.stringify(rows.slice(1)));
    expect(await keyIn(data)).not.toBe(key);
  });
});

describe('the train action with the run cache', () => {
  const env = async (extra: Record<string, string> = {}) => ({
    ...literalStepEnv(await readAction(stageAction('train'))),
    'INPUT_WORKING-DIRECTORY': project,
    INPUT_OUT: 'model',
    ...extra,
  });

  it('trains and saves on a miss, then restores, verifies and skips training on a hit', async () => {
    const cache = directoryCache(tmp.path('cache'));
    const first = await runAction(tmp, await env(), { cache });
    expect(first.failed).toBe(false);
    expect(first.outputs[OUTPUTS.cacheHit]).toBe('false');
    expect(first.outputs[OUTPUTS.modelDir]).toBe('model');
    expect(cache.saved).toEqual([key]);
    expect(await verifyTrainOutputs(join(project, 'model'))).toBeUndefined();
    const trained = await readFile(join(project, 'model', 'model.onnx'));

    await rm(join(project, 'model'), { recursive: true });
    const second = await runAction(tmp, await env(), { cache });
    expect(second.failed).toBe(false);
    expect(second.outputs[OUTPUTS.cacheHit]).toBe('true');
    expect(JSON.parse(second.outputs[OUTPUTS.result] ?? '')).toEqual({ cached: true, key, out: 'model' });
    expect(second.summary).toContain('Training skipped.');
    expect(await readFile(join(project, 'model', 'model.onnx'))).toEqual(trained);
    expect(cache.saved).toEqual([key]);
  });

  it('rejects a tampered restore: deletes it and trains again', async () => {
    const cache = directoryCache(tmp.path('cache'));
    const onnx = join(cache.entry(key), 'model.onnx');
    const bytes = await readFile(onnx);
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0xff;
    await writeFile(onnx, bytes);
    await rm(join(project, 'model'), { recursive: true, force: true });

    const restored = await restoreTrainOutputs(cache, join(project, 'model'), key);
    expect(restored).toMatchObject({ hit: false });
    expect(restored.hit ? '' : restored.reason).toMatch(
      /^the restored outputs failed verification \(model\.onnx has sha256 [0-9a-f]{64}, metadata\.json records [0-9a-f]{64}\); training$/,
    );
    await expect(stat(join(project, 'model'))).rejects.toThrow();

    const run = await runAction(tmp, await env(), { cache });
    expect(run.failed).toBe(false);
    expect(run.outputs[OUTPUTS.cacheHit]).toBe('false');
    expect(await verifyTrainOutputs(join(project, 'model'))).toBeUndefined();
  });

  it('trains when the cache service is unavailable, and with cache: false', async () => {
    const unavailable: CacheService = {
      unavailable: () => 'the cache service is unavailable (no ACTIONS_RUNTIME_TOKEN)',
      restore: () => Promise.reject(new Error('not called')),
      save: () => Promise.reject(new Error('not called')),
    };
    const run = await runAction(tmp, await env({ INPUT_OUT: 'model-2' }), { cache: unavailable });
    expect(run.failed).toBe(false);
    expect(run.outputs[OUTPUTS.cacheHit]).toBe('false');
    expect(run.commands).toContain(
      'modelgate: run cache: the cache service is unavailable (no ACTIONS_RUNTIME_TOKEN)',
    );
    const off = await runAction(tmp, await env({ INPUT_OUT: 'model-3', INPUT_CACHE: 'false' }), {
      cache: unavailable,
    });
    expect(off.failed).toBe(false);
    expect(off.commands).not.toContain('run cache');
  });

  it('the real service reports itself unavailable without the runner variables', async () => {
    vi.stubEnv('ACTIONS_RUNTIME_TOKEN', undefined);
    const { actionsCache } = await import('../src/action/actions-cache.js');
    expect(actionsCache.unavailable()).toMatch(/^the cache service is unavailable/);
  });
});
