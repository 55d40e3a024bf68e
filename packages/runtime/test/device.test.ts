import { isUserError } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { chooseDevice, parseDevice, probeAllProviders, probeProvider, resolveDevice } from '../src/index.js';

const cuda = await probeProvider('cuda');

describe('execution providers', () => {
  it('probes every provider onnxruntime-node names with a real session; the CPU always runs', async () => {
    const probes = await probeAllProviders();
    expect(probes.map((p) => p.name)).toContain('cuda');
    const cpu = probes.find((p) => p.name === 'cpu');
    expect(cpu).toMatchObject({ ok: true, bundled: true });
    for (const p of probes.filter((p) => !p.ok)) expect(p.reason).toMatch(/\S/);
  });

  it('cpu never probes or logs; auto falls back to the CPU with one line; cuda that cannot run is a UserError', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    expect(await resolveDevice('cpu', log)).toBe('cpu');
    expect(lines).toEqual([]);
    if (cuda.ok) {
      expect(await resolveDevice('auto', log)).toBe('cuda');
      expect(await resolveDevice('cuda', log)).toBe('cuda');
      return;
    }
    expect(await resolveDevice('auto', log)).toBe('cpu');
    expect(lines).toEqual([`device auto: using the CPU; no CUDA session (${cuda.reason})`]);
    const err = await resolveDevice('cuda', log).catch((e: unknown) => e);
    expect(isUserError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(
      /^device cuda: onnxruntime-node cannot create a CUDA session \(.+\); install the CUDA build of onnxruntime-node \(ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci\)/,
    );
  });

  it('the flag beats the environment, which beats the config; nothing set is the CPU', () => {
    expect(chooseDevice({})).toBe('cpu');
    expect(chooseDevice({ config: 'auto' })).toBe('auto');
    expect(chooseDevice({ config: 'auto', env: 'cuda' })).toBe('cuda');
    expect(chooseDevice({ config: 'auto', env: ' ' })).toBe('auto');
    expect(chooseDevice({ flag: 'CPU', env: 'cuda', config: 'cuda' })).toBe('cpu');
    expect(() => parseDevice('gpu', '--device')).toThrow("--device: expected auto, cpu or cuda, got 'gpu'");
    expect(() => chooseDevice({ env: 'cuda:1' })).toThrow(
      "MODELGATE_DEVICE: expected auto, cpu or cuda, got 'cuda:1'",
    );
  });
});
