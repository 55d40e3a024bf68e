import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server/index.js';

const REGISTRY = join(dirname(fileURLToPath(import.meta.url)), '../../../registry');

const PENGUIN = {
  inputs: [
    { name: 'Island', shape: [1, 1], datatype: 'BYTES', data: ['Biscoe'] },
    { name: 'Beak Length (mm)', shape: [1, 1], datatype: 'FP32', data: [48.7] },
    { name: 'Beak Depth (mm)', shape: [1, 1], datatype: 'FP32', data: [14.1] },
    { name: 'Flipper Length (mm)', shape: [1, 1], datatype: 'FP32', data: [210] },
    { name: 'Body Mass (g)', shape: [1, 1], datatype: 'FP32', data: [4450] },
    { name: 'Sex', shape: [1, 1], datatype: 'BYTES', data: ['FEMALE'] },
  ],
};

async function serveOnce(provider?: 'cpu') {
  const server = await startServer({
    registry: REGISTRY,
    models: ['penguins-species#staging'],
    port: 0,
    workers: 1,
    ...(provider ? { provider } : {}),
  });
  try {
    const metadata = (await (await fetch(`${server.url}/v2/models/penguins-species`)).json()) as {
      parameters: Record<string, unknown>;
    };
    const infer = await fetch(`${server.url}/v2/models/penguins-species/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(PENGUIN),
    });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    return { metadata, scores: await infer.json(), metrics };
  } finally {
    await server.close();
  }
}

describe('the execution provider behind the server', () => {
  it('is in the model metadata and /metrics; the CPU default scores as an explicit cpu does', async () => {
    const plain = await serveOnce();
    const cpu = await serveOnce('cpu');
    expect(plain.metadata.parameters.execution_provider).toBe('cpu');
    expect(plain.metrics).toContain('modelgate_execution_provider{provider="cpu"} 1');
    expect(plain.scores).toHaveProperty('outputs');
    expect(cpu.scores).toEqual(plain.scores);
    expect(cpu.metrics).toContain('modelgate_execution_provider{provider="cpu"} 1');
  });
});
