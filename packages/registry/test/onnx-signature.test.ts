import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readOnnxSummary } from '../src/index.js';
import { makeOnnxModel } from './onnx-fixture.js';

describe('readOnnxSummary', () => {
  it('reads inputs, outputs, opsets and metadata_props straight from the protobuf', () => {
    const model = makeOnnxModel({
      features: 5,
      properties: { 'modelgate.classes': '["a","b"]', 'modelgate.task': 'binary' },
    });
    expect(readOnnxSummary(model)).toEqual({
      signature: {
        inputs: [{ name: 'x', type: 'float32', shape: [-1, 5] }],
        outputs: [{ name: 'y', type: 'float32', shape: [-1, 5] }],
      },
      irVersion: 8,
      producer: 'modelgate-test',
      opsets: { '': 17 },
      properties: { 'modelgate.classes': '["a","b"]', 'modelgate.task': 'binary' },
    });
  });

  it("agrees with onnxruntime's own view of the model", async () => {
    const model = makeOnnxModel({ features: 2, weightFloats: 2 });
    const session = await ort.InferenceSession.create(model);
    try {
      const ours = readOnnxSummary(model).signature;
      expect(ours.inputs.map((i) => i.name)).toEqual(session.inputNames);
      expect(ours.outputs.map((o) => o.name)).toEqual(session.outputNames);
      const [input] = session.inputMetadata;
      expect(
        input?.isTensor && {
          type: input.type,
          shape: input.shape.map((d) => (typeof d === 'number' ? d : -1)),
        },
      ).toEqual({
        type: ours.inputs[0]?.type,
        shape: ours.inputs[0]?.shape,
      });
    } finally {
      await session.release();
    }
  });

  it('refuses bytes that are not an ONNX model', () => {
    expect(() => readOnnxSummary(new TextEncoder().encode('hello'))).toThrow();
    expect(() => readOnnxSummary(new Uint8Array([0x08, 0x07]))).toThrow(/not an ONNX model/);
    expect(() => readOnnxSummary(new Uint8Array([0x3a, 0x10, 0x01]))).toThrow(/runs past the end/);
  });
});
