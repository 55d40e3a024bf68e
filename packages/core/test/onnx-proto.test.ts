import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { onnx } from '../src/onnx-proto/onnx.js';

const protoText = readFileSync(join(import.meta.dirname, '..', 'src', 'onnx-proto', 'onnx.proto'), 'utf8');

/** `NAME = number;` entries of one enum in onnx.proto. */
function protoEnum(name: string): Record<string, number> {
  const body = protoText.match(new RegExp(`enum ${name} \\{([^}]*)\\}`))?.[1];
  if (!body) throw new Error(`onnx.proto has no enum ${name}`);
  const entries = [...body.replace(/\/\/.*$/gm, '').matchAll(/(\w+)\s*=\s*(0x[0-9A-Fa-f]+|\d+)\s*;/g)];
  return Object.fromEntries(entries.map(([, key, value]) => [key, Number(value)]));
}

describe('the generated ONNX bindings', () => {
  it('were generated from the committed onnx.proto (its element types and IR versions)', () => {
    expect({ ...onnx.TensorProto.DataType }).toMatchObject(protoEnum('DataType'));
    expect(Object.keys(protoEnum('DataType')).length).toBeGreaterThanOrEqual(24);
    expect({ ...onnx.Version }).toMatchObject(protoEnum('Version'));
  });

  it('round-trip fields ONNX added after 1.10: node metadata, local functions, 4-bit and 8-bit types', () => {
    const model: onnx.IModelProto = {
      irVersion: 10,
      opsetImport: [{ domain: '', version: 21 }],
      graph: {
        name: 'g',
        node: [
          {
            opType: 'Identity',
            input: ['x'],
            output: ['y'],
            overload: 'o',
            metadataProps: [{ key: 'k', value: 'v' }],
          },
        ],
        input: [{ name: 'x', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT4E2M1 } } }],
        output: [{ name: 'y', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT8E8M0 } } }],
      },
      functions: [{ name: 'f', domain: 'local', overload: 'o', input: ['a'], output: ['b'] }],
    };
    const back = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
    expect(back.graph?.node?.[0]?.metadataProps).toEqual([{ key: 'k', value: 'v' }]);
    expect(back.graph?.node?.[0]?.overload).toBe('o');
    expect(back.functions.map((f) => [f.name, f.domain, f.overload])).toEqual([['f', 'local', 'o']]);
    expect(back.graph?.input?.[0]?.type?.tensorType?.elemType).toBe(23);
    expect(back.graph?.output?.[0]?.type?.tensorType?.elemType).toBe(24);
  });

  it('keep int64 values beyond 2^53 exact (Slice ends of INT64_MAX)', () => {
    const tensor = onnx.TensorProto.decode(
      onnx.TensorProto.encode({ dataType: 7, dims: [1], int64Data: [Long.MAX_VALUE] }).finish(),
    );
    expect(String(tensor.int64Data[0])).toBe('9223372036854775807');
  });
});
