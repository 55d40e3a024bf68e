import { onnx } from '@modelgate/core/onnx-proto';

export interface ModelOptions {
  /** Width of the float input; also makes models distinct. */
  features?: number;
  /** Goes into the graph's doc string: different text, different bytes. */
  note?: string;
  properties?: Record<string, string>;
  /** A weight of this many floats, to make a large model. */
  weightFloats?: number;
}

function tensorValue(name: string, elemType: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

/** A valid ONNX model: y = x + w, x float [N, features]; w an initializer. */
export function makeOnnxModel(options: ModelOptions = {}): Uint8Array {
  const features = options.features ?? 3;
  const weights = options.weightFloats ?? features;
  const graph = onnx.GraphProto.create({
    name: 'add',
    docString: options.note ?? '',
    node: [onnx.NodeProto.create({ opType: 'Add', input: ['x', 'w'], output: ['y'], name: 'add' })],
    initializer: [
      onnx.TensorProto.create({
        name: 'w',
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [weights === features ? features : weights],
        rawData: new Uint8Array(weights * 4),
      }),
    ],
    input: [tensorValue('x', onnx.TensorProto.DataType.FLOAT, ['N', features])],
    output: [tensorValue('y', onnx.TensorProto.DataType.FLOAT, ['N', features])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'modelgate-test',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
    graph,
    metadataProps: Object.entries(options.properties ?? {}).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
  });
  return onnx.ModelProto.encode(model).finish();
}
