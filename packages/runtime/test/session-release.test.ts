import { fileURLToPath } from 'node:url';
import { attr, OnnxGraph } from '@modelgate/train';
import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { destroyReleasing, releaseBarrier } from '../src/index.js';

function identityModel(): Uint8Array {
  const g = new OnnxGraph('identity');
  const x = g.input('x', { dtype: 'float', shape: ['N', 2] });
  g.output(g.node('Softmax', [x], { axis: attr.int(1) }), 'y', { dtype: 'float', shape: ['N', 2] });
  return g.toBytes();
}

describe('releasing a pool’s sessions before it is destroyed', () => {
  it('every worker takes exactly one release task and releases its own session', async () => {
    const workers = 3;
    const pool = new Piscina({
      filename: fileURLToPath(new URL('./fixtures/release/release-worker.ts', import.meta.url)),
      execArgv: ['--import', 'tsx', '--conditions=modelgate-source'],
      workerData: { model: identityModel(), barrier: releaseBarrier(), workers },
      minThreads: workers,
      maxThreads: workers,
    });
    const opened = await Promise.all(Array.from({ length: workers }, () => pool.run('open')));
    expect(new Set(opened.map((o) => o.thread)).size).toBe(workers);
    const answers: { thread: number; released?: boolean }[] = [];
    const run = pool.run.bind(pool);
    await destroyReleasing(
      {
        run: async (task) => {
          const answer = await run(task);
          answers.push(answer);
          return answer;
        },
        destroy: () => pool.destroy(),
      },
      workers,
    );
    expect(answers).toHaveLength(workers);
    expect(new Set(answers.map((a) => a.thread))).toEqual(new Set(opened.map((o) => o.thread)));
    expect(answers.every((a) => a.released)).toBe(true);
  });
});
