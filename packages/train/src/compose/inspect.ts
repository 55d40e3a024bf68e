import { errorMessage, ONNX_ELEMENT_TYPES, UserError } from '@modelgate/core';
import { type OnnxTypes, onnx } from '../onnx/proto.js';

// TensorProto.DataType numbers a packed input may have: the encoded matrix is float32.
const FLOAT = 1;
const DOUBLE = 11;

/** The one input of a model trained on the encoded matrix. */
export interface PackedInput {
  name: string;
  /** FLOAT or DOUBLE. */
  elemType: number;
  /** Its dims when declared: a size, a name (dynamic), or undefined. */
  dims?: (number | string | undefined)[];
}

/** What composition needs to know of the command's model. */
export interface InspectedModel {
  model: OnnxTypes.ModelProto;
  irVersion: number;
  /** Opset per domain ('' for ai.onnx). */
  opsets: Map<string, number>;
  packed: PackedInput;
  outputs: string[];
  /** Every name in the graph and its subgraphs: tensors, initializers, nodes. */
  names: Set<string>;
}

export const isDouble = (input: PackedInput) => input.elemType === DOUBLE;

function graphNames(graph: OnnxTypes.IGraphProto, into: Set<string>): void {
  const add = (name: string | null | undefined) => {
    if (name) into.add(name);
  };
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) add(v.name);
  for (const t of graph.initializer ?? []) add(t.name);
  for (const s of graph.sparseInitializer ?? []) {
    add(s.values?.name);
    add(s.indices?.name);
  }
  for (const node of graph.node ?? []) {
    add(node.name);
    for (const name of [...(node.input ?? []), ...(node.output ?? [])]) add(name);
    for (const a of node.attribute ?? []) {
      if (a.g) graphNames(a.g, into);
      for (const sub of a.graphs ?? []) graphNames(sub, into);
    }
  }
}

function opsetsOf(model: OnnxTypes.ModelProto, label: string): Map<string, number> {
  const opsets = new Map<string, number>();
  for (const entry of model.opsetImport) {
    const domain = entry.domain === 'ai.onnx' ? '' : (entry.domain ?? '');
    const version = Number(entry.version ?? 0);
    const seen = opsets.get(domain);
    if (seen !== undefined && seen !== version) {
      throw new UserError(
        `${label}: imports domain '${domain || 'ai.onnx'}' twice, at opsets ${seen} and ${version}; expected one opset per domain.`,
      );
    }
    opsets.set(domain, version);
  }
  return opsets;
}

function dimsOf(value: OnnxTypes.IValueInfoProto): PackedInput['dims'] {
  const shape = value.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) =>
    d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0
      ? Number(d.dimValue)
      : (d.dimParam ?? undefined),
  );
}

function formatDims(dims: NonNullable<PackedInput['dims']>): string {
  return `[${dims.map((d) => (d === undefined ? '?' : String(d))).join(', ')}]`;
}

/**
 * Reads the command's model and checks it can go behind the encoding: one
 * float input [N, width] (the encoded matrix), a readable IR version and opsets.
 * Anything else is a UserError naming the model and the tensor.
 */
export function inspectEncodedModel(bytes: Uint8Array, label: string, width: number): InspectedModel {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new UserError(`${label}: not a valid ONNX model: ${errorMessage(err)}`);
  }
  const graph = model.graph;
  if (!graph) throw new UserError(`${label}: not a valid ONNX model: it has no graph.`);
  const irVersion = Number(model.irVersion ?? 0);
  if (irVersion < 3) {
    throw new UserError(
      `${label}: ONNX IR version ${irVersion}; expected 3 or later (a model with opset imports).`,
    );
  }
  const initialized = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((v) => !initialized.has(v.name));
  const expected = `one float32 input [N, ${width}], the encoded matrix ($MODELGATE_FEATURE_MAP has ${width} columns)`;
  if (inputs.length !== 1) {
    const names = inputs.map((v) => `'${v.name}'`).join(', ');
    throw new UserError(
      `${label}: has ${inputs.length === 0 ? 'no inputs' : `inputs ${names}`}; with preprocess: encoded a model takes ${expected}.`,
    );
  }
  const input = inputs[0] as OnnxTypes.IValueInfoProto;
  const name = input.name ?? '';
  const elemType = Number(input.type?.tensorType?.elemType ?? 0);
  if (elemType !== FLOAT && elemType !== DOUBLE) {
    const type = input.type?.tensorType
      ? (ONNX_ELEMENT_TYPES[elemType] ?? `type ${elemType}`)
      : 'not a tensor';
    throw new UserError(`${label}: input '${name}' is ${type}; expected ${expected}.`);
  }
  const dims = dimsOf(input);
  if (dims && dims.length !== 2) {
    throw new UserError(`${label}: input '${name}' has shape ${formatDims(dims)}; expected ${expected}.`);
  }
  const declared = dims?.[1];
  if (typeof declared === 'number' && declared !== width) {
    throw new UserError(
      `${label}: input '${name}' is ${formatDims(dims ?? [])}, ${declared} columns, but $MODELGATE_FEATURE_MAP has ${width}; expected ${expected}, its columns in the feature map's order.`,
    );
  }
  const names = new Set<string>();
  graphNames(graph, names);
  return {
    model,
    irVersion,
    opsets: opsetsOf(model, label),
    packed: { name, elemType, ...(dims ? { dims } : {}) },
    outputs: (graph.output ?? []).map((o) => o.name ?? ''),
    names,
  };
}
