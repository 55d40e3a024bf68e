import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BinaryBodies } from '../src/server/binary-body.js';
import { BufferPool } from '../src/server/buffer-pool.js';
import { loadModelVersion, resolveModelRef, warmupInputs } from '../src/server/models.js';
import { fromBinary } from '../src/server/oip-request.js';
import { concatRows, type TensorData } from '../src/server/tensor.js';
import { InferencePool } from '../src/server/worker-pool.js';

const MODEL_FILE = fileURLToPath(
  new URL('../../../registry/penguins-species/versions/v1/model.onnx', import.meta.url),
);

/** A request stream that sends `body` in pieces, as a socket would. */
function stream(body: Buffer, pieces = 3): PassThrough {
  const payload = new PassThrough();
  const size = Math.ceil(body.length / pieces);
  setImmediate(() => {
    for (let at = 0; at < body.length; at += size) payload.write(body.subarray(at, at + size));
    payload.end();
  });
  return payload;
}

/** A binary tensor request: `header` bytes of JSON (padded to length), then float32 values. */
function binaryRequest(
  headerLength: number,
  values: Float32Array,
): { body: Buffer; headers: Record<string, string> } {
  const header = Buffer.alloc(headerLength, ' ');
  header.write('{}');
  const body = Buffer.concat([header, Buffer.from(values.buffer, values.byteOffset, values.byteLength)]);
  return {
    body,
    headers: {
      'content-length': String(body.length),
      'inference-header-content-length': String(headerLength),
    },
  };
}

describe('BufferPool', () => {
  it('hands back a given buffer of the same size, and keeps no more than its limit', () => {
    const pool = new BufferPool(100);
    const a = pool.take(60);
    expect(a.byteLength).toBe(60);
    pool.give(a);
    expect(pool.idleBytes).toBe(60);
    expect(pool.take(60)).toBe(a);
    expect(pool.idleBytes).toBe(0);
    expect(pool.take(40)).not.toBe(a);
    pool.give(a);
    pool.give(new ArrayBuffer(60));
    expect(pool.idleBytes).toBe(60);
  });

  it('lets go of its buffers once nothing has been taken for a while', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const pool = new BufferPool(1000, 400);
    pool.give(pool.take(100));
    await sleep(200);
    pool.give(pool.take(100));
    await sleep(250);
    // 450 ms after the first take but 250 after the last: still held.
    expect(pool.idleBytes).toBe(100);
    const deadline = Date.now() + 5000;
    while (pool.idleBytes > 0 && Date.now() < deadline) await sleep(50);
    expect(pool.idleBytes).toBe(0);
  });
});

describe('BinaryBodies', () => {
  const values = Float32Array.from({ length: 40_000 }, (_, i) => i / 7);

  it('places the tensors after the JSON header on an 8-byte boundary, whatever its length', async () => {
    const bodies = new BinaryBodies(1 << 20);
    // Large bodies come from the pool, small ones from Node's slab: both aligned.
    for (const floats of [values, values.subarray(0, 10)]) {
      for (const headerLength of [1, 2, 3, 5, 8, 13]) {
        const { body, headers } = binaryRequest(headerLength, floats);
        const read = await bodies.read(stream(body), headers);
        expect(read.equals(body)).toBe(true);
        expect((read.byteOffset + headerLength) % 8).toBe(0);
        const tensor = fromBinary('x', 'float32', read.subarray(headerLength), floats.length);
        // Read in place: a view on the body, not a copy.
        expect((tensor as Float32Array).buffer).toBe(read.buffer);
        expect(Array.from(tensor as Float32Array)).toEqual(Array.from(floats));
        bodies.release(read);
      }
    }
  });

  it('copies a tensor that does not sit on its element boundary, with the same values', () => {
    const bytes = Buffer.alloc(1 + values.byteLength);
    Buffer.from(values.buffer).copy(bytes, 1);
    const tensor = fromBinary('x', 'float32', bytes.subarray(1), values.length) as Float32Array;
    expect(tensor.buffer).not.toBe(bytes.buffer);
    expect(Array.from(tensor)).toEqual(Array.from(values));
  });

  it('reuses a large body’s memory once it is released, and never a small one’s', async () => {
    const bodies = new BinaryBodies(1 << 20);
    const large = binaryRequest(16, values);
    const first = await bodies.read(stream(large.body), large.headers);
    bodies.release(first);
    const second = await bodies.read(stream(large.body), large.headers);
    expect(second.buffer).toBe(first.buffer);
    const unreleased = await bodies.read(stream(large.body), large.headers);
    expect(unreleased.buffer).not.toBe(second.buffer);

    // A small body is a slice of Node's shared slab: released, its bytes are not handed out again.
    const small = binaryRequest(16, values.subarray(0, 10));
    const tiny = await bodies.read(stream(small.body), small.headers);
    bodies.release(tiny);
    const next = await bodies.read(stream(small.body), small.headers);
    expect(next.buffer === tiny.buffer && next.byteOffset === tiny.byteOffset).toBe(false);
    expect(tiny.equals(small.body)).toBe(true);
    // Releasing twice, or what the pool never lent, pools nothing more: two reads get two buffers.
    bodies.release(second);
    bodies.release(second);
    bodies.release(Buffer.alloc(second.length));
    const a = await bodies.read(stream(large.body), large.headers);
    const b = await bodies.read(stream(large.body), large.headers);
    expect(a.buffer).toBe(second.buffer);
    expect(b.buffer).not.toBe(a.buffer);
  });

  it('answers 413 past the limit, declared or chunked, and 400 for a short body', async () => {
    const bodies = new BinaryBodies(1000);
    const { body } = binaryRequest(8, values.subarray(0, 500));
    await expect(bodies.read(stream(body), { 'content-length': String(body.length) })).rejects.toMatchObject({
      statusCode: 413,
    });
    await expect(bodies.read(stream(body), {})).rejects.toMatchObject({ statusCode: 413 });
    const within = body.subarray(0, 900);
    expect((await bodies.read(stream(within), {})).equals(within)).toBe(true);
    await expect(
      bodies.read(stream(within), { 'content-length': String(within.length + 10) }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/900 bytes, Content-Length says 910/),
    });
  });
});

describe('batch buffers', () => {
  it('go to the worker and come back to the pool with the outputs', async () => {
    const model = await loadModelVersion(undefined, await resolveModelRef(undefined, MODEL_FILE));
    const pool = await InferencePool.start([model], 1);
    try {
      const request = warmupInputs(model);
      const batch = request.map((t) => concatRows([t, t], (bytes) => pool.buffers.take(bytes)));
      const numericBytes = batch
        .filter((t): t is TensorData & { data: Float32Array } => !Array.isArray(t.data))
        .reduce((sum, t) => sum + t.data.byteLength, 0);
      expect(numericBytes).toBeGreaterThan(0);
      const outputs = await pool.runPooled({
        key: model.key,
        inputs: batch,
        outputs: model.signature.outputs.map((o) => o.name),
      });
      expect(outputs.map((o) => o.dims[0])).toEqual(model.signature.outputs.map(() => 2));
      expect(pool.buffers.idleBytes).toBe(numericBytes);
      // The request's own tensors were copied, not moved: still readable.
      expect(request.every((t) => t.data.length > 0)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
