import { describe, expect, it } from 'vitest';
import { CopyBatch } from '../src/server/shadow/copy-batch.js';
import type { TensorData } from '../src/server/tensor.js';

const request = (i: number, rows = 1): TensorData[] => [
  {
    name: 'x',
    type: 'float32',
    dims: [rows, 2],
    data: Float32Array.from({ length: 2 * rows }, (_, k) => i * 10 + k),
  },
  {
    name: 'island',
    type: 'string',
    dims: [rows, 1],
    data: Array.from({ length: rows }, (_, k) => `i${i}-${k}`),
  },
];

describe('the copies of one shadow batch', () => {
  it('appends each request’s rows into one tensor per input, past its first capacity, by name', () => {
    const batch = new CopyBatch(2);
    const sent = [request(1), request(2, 3), request(3)];
    for (const inputs of sent) expect(batch.append(inputs, inputs[0]?.dims[0] as number)).toBe(true);
    // Inputs in another order still go to their own columns.
    const reordered = [...request(4)].reverse();
    expect(batch.append(reordered, 1)).toBe(true);
    const [x, island] = batch.tensors();
    expect(batch.rows).toBe(6);
    // 12 float32 values and six 4-character strings.
    expect(batch.bytes).toBe(12 * 4 + 6 * 4);
    expect(x?.dims).toEqual([6, 2]);
    expect(Array.from(x?.data as Float32Array)).toEqual([10, 11, 20, 21, 22, 23, 24, 25, 30, 31, 40, 41]);
    expect(island).toEqual({
      name: 'island',
      type: 'string',
      dims: [6, 1],
      data: ['i1-0', 'i2-0', 'i2-1', 'i2-2', 'i3-0', 'i4-0'],
    });
  });

  it('copies a large request’s values as a small one’s, beside them', () => {
    const batch = new CopyBatch(2);
    // 2, then 40 values (a block copy), then 2 (one by one) of x.
    for (const inputs of [request(1), request(2, 20), request(3)]) {
      expect(batch.append(inputs, inputs[0]?.dims[0] as number)).toBe(true);
    }
    const [x] = batch.tensors();
    expect(x?.dims).toEqual([22, 2]);
    expect(Array.from(x?.data as Float32Array)).toEqual([
      10,
      11,
      ...Array.from({ length: 40 }, (_, k) => 20 + k),
      30,
      31,
    ]);
  });

  it('takes no copy of other inner dimensions, names or types: it starts a batch of its own', () => {
    const batch = new CopyBatch(4);
    expect(batch.append(request(1), 1)).toBe(true);
    const wider: TensorData[] = [
      { ...(request(2)[0] as TensorData), dims: [1, 3], data: new Float32Array(3) },
      request(2)[1] as TensorData,
    ];
    expect(batch.append(wider, 1)).toBe(false);
    expect(batch.append([request(2)[0] as TensorData], 1)).toBe(false);
    const otherType: TensorData[] = [
      { ...(request(2)[0] as TensorData), type: 'float64', data: new Float64Array(2) },
      request(2)[1] as TensorData,
    ];
    expect(batch.append(otherType, 1)).toBe(false);
    expect(batch.rows).toBe(1);
    expect(batch.tensors()[0]?.dims).toEqual([1, 2]);
  });

  it('keeps what it copied when the request’s buffers are reused', () => {
    const batch = new CopyBatch(4);
    const [numbers, names] = request(7) as [TensorData, TensorData];
    batch.append([numbers, names], 1);
    (numbers.data as Float32Array).fill(-1);
    (names.data as string[])[0] = 'reused';
    const [x, island] = batch.tensors();
    expect(Array.from(x?.data as Float32Array)).toEqual([70, 71]);
    expect(island?.data).toEqual(['i7-0']);
  });
});
