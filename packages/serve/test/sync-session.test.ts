import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { servingSessionOptions } from '../src/server/onnx-session.js';
import { openSyncSession } from '../src/server/sync-session.js';
import { byoBytes } from './byo-fixtures.js';

describe('the inline path’s synchronous session', () => {
  // If an onnxruntime-node upgrade changes its binding, the server falls back to the public API
  // (slower by a turn of the event loop per batch); this test is what says so.
  it("opens on this onnxruntime-node and answers exactly as the public API's session", async () => {
    const bytes = await byoBytes('packed-probabilities');
    const options = servingSessionOptions(1, 'cpu');
    const sync = openSyncSession(bytes, options);
    expect(sync).toBeDefined();
    const publicSession = await InferenceSession.create(bytes, options);
    try {
      const data = Float32Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? Number.NaN : 30 + i * 7));
      const feed = () => ({ input: new Tensor('float32', data, [3, 4]) });
      const outputs = publicSession.outputNames;
      const expected = await publicSession.run(feed());
      const actual = sync?.run(feed(), outputs) ?? {};
      for (const name of outputs) {
        expect(actual[name]?.dims).toEqual(expected[name]?.dims);
        expect(Array.from(actual[name]?.data as Float32Array)).toEqual(
          Array.from(expected[name]?.data as Float32Array),
        );
      }
      // A bad feed is an error thrown to the caller, not a crash.
      expect(() =>
        sync?.run({ input: new Tensor('float32', new Float32Array(3), [1, 3]) }, outputs),
      ).toThrow();
    } finally {
      sync?.release();
      await publicSession.release();
    }
  });
});
