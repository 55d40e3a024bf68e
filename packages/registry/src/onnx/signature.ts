import { ONNX_ELEMENT_TYPES } from '@modelgate/core';
import { ProtoError, type ProtoField, protoFields, protoInt64, protoString } from './protobuf.js';

/** One input or output, in the runtime's terms (packages/runtime signature.ts uses the same shape). */
export interface TensorSignature {
  name: string;
  /** onnxruntime's element type ('float32', 'string', ...); 'non-tensor' for sequences and maps. */
  type: string;
  /** -1 for a dynamic (symbolic or unknown) dimension; empty when the model does not say. */
  shape: number[];
}

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

export interface OnnxSummary {
  signature: ModelSignature;
  irVersion: number;
  producer: string | null;
  /** domain ('' is the default ONNX domain) -> opset version. */
  opsets: Record<string, number>;
  /** The model's metadata_props. */
  properties: Record<string, string>;
}

// Field numbers from onnx.proto.
const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8, metadataProps: 14 };
const GRAPH = { initializer: 5, input: 11, output: 12 };
const VALUE_INFO = { name: 1, type: 2 };
const TYPE = { tensor: 1 };
const TENSOR_TYPE = { elemType: 1, shape: 2 };
const SHAPE = { dim: 1 };
const DIM = { value: 1 };
const TENSOR = { name: 8 };
const OPSET = { domain: 1, version: 2 };
const ENTRY = { key: 1, value: 2 };

function bytesOf(fields: ProtoField[], field: number): Uint8Array[] {
  return fields.flatMap((f) => (f.field === field && f.wire === 'bytes' ? [f.value] : []));
}

function varintOf(fields: ProtoField[], field: number): bigint | undefined {
  const found = fields.find((f) => f.field === field && f.wire === 'varint');
  return found?.wire === 'varint' ? found.value : undefined;
}

function stringOf(fields: ProtoField[], field: number): string | undefined {
  const [first] = bytesOf(fields, field);
  return first ? protoString(first) : undefined;
}

function readDim(bytes: Uint8Array): number {
  const value = varintOf([...protoFields(bytes)], DIM.value);
  const n = value === undefined ? -1 : protoInt64(value);
  return n >= 0 ? n : -1;
}

function readValueInfo(bytes: Uint8Array): TensorSignature {
  const fields = [...protoFields(bytes)];
  const name = stringOf(fields, VALUE_INFO.name) ?? '';
  const [type] = bytesOf(fields, VALUE_INFO.type);
  const [tensor] = type ? bytesOf([...protoFields(type)], TYPE.tensor) : [];
  if (!tensor) return { name, type: 'non-tensor', shape: [] };
  const tensorFields = [...protoFields(tensor)];
  const elem = Number(varintOf(tensorFields, TENSOR_TYPE.elemType) ?? 0);
  const [shape] = bytesOf(tensorFields, TENSOR_TYPE.shape);
  return {
    name,
    type: ONNX_ELEMENT_TYPES[elem] ?? `onnx-type-${elem}`,
    shape: shape ? bytesOf([...protoFields(shape)], SHAPE.dim).map(readDim) : [],
  };
}

/**
 * The graph's inputs and outputs, opsets and metadata_props, read straight
 * from the protobuf bytes. Inputs that are initializers (IR < 4 lists weights
 * as inputs) are left out, as onnxruntime does.
 */
export function readOnnxSummary(model: Uint8Array): OnnxSummary {
  const fields = [...protoFields(model)];
  const irVersion = varintOf(fields, MODEL.irVersion);
  const [graph] = bytesOf(fields, MODEL.graph);
  if (irVersion === undefined || !graph) throw new ProtoError('no ir_version or graph: not an ONNX model');
  const graphFields = [...protoFields(graph)];
  const weights = new Set(
    bytesOf(graphFields, GRAPH.initializer).map((t) => stringOf([...protoFields(t)], TENSOR.name)),
  );
  const opsets: Record<string, number> = {};
  for (const opset of bytesOf(fields, MODEL.opsetImport)) {
    const f = [...protoFields(opset)];
    opsets[stringOf(f, OPSET.domain) ?? ''] = Number(varintOf(f, OPSET.version) ?? 0);
  }
  const properties: Record<string, string> = {};
  for (const entry of bytesOf(fields, MODEL.metadataProps)) {
    const f = [...protoFields(entry)];
    properties[stringOf(f, ENTRY.key) ?? ''] = stringOf(f, ENTRY.value) ?? '';
  }
  return {
    signature: {
      inputs: bytesOf(graphFields, GRAPH.input)
        .map(readValueInfo)
        .filter((i) => !weights.has(i.name)),
      outputs: bytesOf(graphFields, GRAPH.output).map(readValueInfo),
    },
    irVersion: Number(irVersion),
    producer: stringOf(fields, MODEL.producerName) ?? null,
    opsets,
    properties,
  };
}
