import { UserError } from '@modelgate/core';
import { onnx } from '@modelgate/core/onnx-proto';
import { float16Bits } from './float16.js';

type TensorProto = onnx.ITensorProto;
type NodeProto = onnx.INodeProto;

export const QUANTIZE_MODES = ['fp16', 'int8'] as const;
export type QuantizeMode = (typeof QUANTIZE_MODES)[number];

// TensorProto.DataType codes.
const FLOAT = 1;
const INT8 = 3;
const FLOAT16 = 10;
const DOUBLE = 11;

/** Int8 is for weights: a per-tensor scale would wreck e.g. standardisation means of very different sizes. */
const WEIGHT_CONSUMERS = new Set(['MatMul', 'Gemm', 'Conv', 'ConvTranspose', 'Add', 'Gather']);

export interface QuantizedTensor {
  name: string;
  elements: number;
}

export interface QuantizeResult {
  mode: QuantizeMode;
  /** The quantized model, or the original bytes when nothing was quantized. */
  bytes: Uint8Array;
  originalBytes: number;
  quantizedBytes: number;
  tensors: QuantizedTensor[];
  /** Why nothing was quantized (set when `tensors` is empty). */
  nothingToQuantize?: string;
}

/** The values of a float or double initializer, else undefined. */
function floatValues(tensor: TensorProto): Float64Array | undefined {
  const width = tensor.dataType === FLOAT ? 4 : tensor.dataType === DOUBLE ? 8 : 0;
  if (width === 0) return undefined;
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Float64Array.from({ length: raw.byteLength / width }, (_, i) =>
      width === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true),
    );
  }
  return Float64Array.from(width === 4 ? (tensor.floatData ?? []) : (tensor.doubleData ?? []));
}

const encodedSize = (tensors: readonly TensorProto[], nodes: readonly NodeProto[]): number =>
  tensors.reduce((sum, t) => sum + onnx.TensorProto.encode(t).finish().length, 0) +
  nodes.reduce((sum, n) => sum + onnx.NodeProto.encode(n).finish().length, 0);

interface Replacement {
  tensors: TensorProto[];
  /** Produce the original initializer's name and type from the new tensors. */
  nodes: NodeProto[];
}

type Fresh = (hint: string) => string;

/** Nameless (names are optional in ONNX): on small weights every byte decides whether quantizing pays. */
function castNode(input: string, output: string, to: number): NodeProto {
  return {
    opType: 'Cast',
    input: [input],
    output: [output],
    attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to }],
  };
}

function fp16Replacement(tensor: TensorProto, values: Float64Array, fresh: Fresh): Replacement {
  const name = fresh(`${tensor.name}_f16`);
  const raw = new Uint8Array(values.length * 2);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, float16Bits(values[i] as number), true);
  return {
    tensors: [{ name, dims: tensor.dims ?? [], dataType: FLOAT16, rawData: raw }],
    nodes: [castNode(name, tensor.name ?? '', tensor.dataType ?? FLOAT)],
  };
}

/**
 * Symmetric per-tensor int8, w = q * scale, decoded as Cast then Mul rather
 * than DequantizeLinear: onnxruntime (extended optimisation, node only) fuses
 * DequantizeLinear -> MatMul into a kernel that also quantizes the
 * activations, so node and web would disagree. Cast and Mul on constants are
 * folded into the float weight when the session loads, the same everywhere.
 */
function int8Replacement(tensor: TensorProto, values: Float64Array, fresh: Fresh): Replacement {
  const maxAbs = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  const quantized = new Uint8Array(values.length);
  const view = new DataView(quantized.buffer);
  for (let i = 0; i < values.length; i++) {
    view.setInt8(i, Math.max(-127, Math.min(127, Math.round((values[i] as number) / scale))));
  }
  const double = tensor.dataType === DOUBLE;
  const scaleBytes = new Uint8Array(double ? 8 : 4);
  const scaleView = new DataView(scaleBytes.buffer);
  if (double) scaleView.setFloat64(0, scale, true);
  else scaleView.setFloat32(0, scale, true);
  const original = tensor.name ?? '';
  const names = {
    q: fresh(`${original}_i8`),
    scale: fresh(`${original}_scale`),
    wide: fresh(`${original}_q`),
  };
  const type = tensor.dataType ?? FLOAT;
  return {
    tensors: [
      { name: names.q, dims: tensor.dims ?? [], dataType: INT8, rawData: quantized },
      { name: names.scale, dims: [], dataType: type, rawData: scaleBytes },
    ],
    nodes: [
      castNode(names.q, names.wide, type),
      { opType: 'Mul', input: [names.wide, names.scale], output: [original] },
    ],
  };
}

function nameSet(graph: onnx.IGraphProto): Set<string> {
  const names = new Set<string>();
  for (const t of graph.initializer ?? []) names.add(t.name ?? '');
  for (const v of [...(graph.input ?? []), ...(graph.output ?? [])]) names.add(v.name ?? '');
  for (const n of graph.node ?? []) {
    names.add(n.name ?? '');
    for (const o of n.output ?? []) names.add(o);
  }
  return names;
}

function consumersOf(nodes: readonly NodeProto[]): Map<string, Set<string>> {
  const consumers = new Map<string, Set<string>>();
  for (const node of nodes) {
    for (const input of node.input ?? []) {
      const ops = consumers.get(input) ?? new Set<string>();
      ops.add(node.opType ?? '');
      consumers.set(input, ops);
    }
  }
  return consumers;
}

function candidate(mode: QuantizeMode, values: Float64Array, ops: ReadonlySet<string> | undefined): boolean {
  if (!ops || ops.size === 0) return false;
  if (mode === 'int8') return [...ops].every((op) => WEIGHT_CONSUMERS.has(op));
  // Beyond float16's range the value would become Infinity.
  return values.every((v) => Number.isNaN(v) || Math.abs(v) <= 65504);
}

function decode(bytes: Uint8Array, label: string): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new UserError(`${label}: not a valid ONNX model: ${(err as Error).message}`);
  }
}

/**
 * Stores the model's float initializers as float16 (then Cast to float) or
 * int8 weights with a scale (then Cast and Mul), each only where that makes the file
 * smaller. Tree ensembles keep their thresholds in node attributes, so they
 * come back unchanged with `nothingToQuantize` saying so.
 */
export function quantizeModel(bytes: Uint8Array, mode: QuantizeMode, label = 'model'): QuantizeResult {
  const model = decode(bytes, label);
  const graph = model.graph;
  if (!graph) throw new UserError(`${label}: not a valid ONNX model: it has no graph`);
  const names = nameSet(graph);
  const fresh = (hint: string): string => {
    let name = hint;
    for (let i = 1; names.has(name); i++) name = `${hint}_${i}`;
    names.add(name);
    return name;
  };
  const graphInputs = new Set((graph.input ?? []).map((v) => v.name));
  const consumers = consumersOf(graph.node ?? []);
  const initializers: TensorProto[] = [];
  const prologue: NodeProto[] = [];
  const tensors: QuantizedTensor[] = [];
  for (const tensor of graph.initializer ?? []) {
    const name = tensor.name ?? '';
    const values = floatValues(tensor);
    if (!values || graphInputs.has(name) || !candidate(mode, values, consumers.get(name))) {
      initializers.push(tensor);
      continue;
    }
    const replacement =
      mode === 'fp16' ? fp16Replacement(tensor, values, fresh) : int8Replacement(tensor, values, fresh);
    if (encodedSize(replacement.tensors, replacement.nodes) >= encodedSize([tensor], [])) {
      initializers.push(tensor);
      continue;
    }
    initializers.push(...replacement.tensors);
    prologue.push(...replacement.nodes);
    tensors.push({ name, elements: values.length });
  }
  if (tensors.length === 0) {
    return {
      mode,
      bytes,
      originalBytes: bytes.length,
      quantizedBytes: bytes.length,
      tensors,
      nothingToQuantize: nothingReason(graph, mode),
    };
  }
  graph.initializer = initializers;
  // Ahead of every consumer, so the node list stays topologically sorted.
  graph.node = [...prologue, ...(graph.node ?? [])];
  const out = onnx.ModelProto.encode(model).finish();
  return { mode, bytes: out, originalBytes: bytes.length, quantizedBytes: out.length, tensors };
}

function nothingReason(graph: onnx.IGraphProto, mode: QuantizeMode): string {
  const trees = (graph.node ?? []).some((n) => (n.opType ?? '').startsWith('TreeEnsemble'));
  if (trees) {
    return 'the model is a tree ensemble: its thresholds and leaf values are node attributes, not weight tensors, so there is nothing to quantize';
  }
  const what = mode === 'int8' ? 'float weights feeding MatMul/Gemm/Conv/Add/Gather' : 'float initializers';
  return `the model has no ${what} large enough for ${mode} to make it smaller`;
}
