import { UserError } from '@modelgate/core';
import { concatBytes, messageField, stampMetadata, varintField } from '@modelgate/runtime';
import { attr } from '../onnx/attributes.js';
import { DTYPE_CODES } from '../onnx/dtypes.js';
import { OnnxGraph } from '../onnx/graph-builder.js';
import { addRawInputs } from '../onnx/preprocess.js';
import { type OnnxTypes, onnx } from '../onnx/proto.js';
import type { Encoding } from '../preprocess/encoding.js';
import { encodingGraph } from '../preprocess/graph.js';
import type { ProblemSpec } from '../types.js';
import { type InspectedModel, inspectEncodedModel, isDouble } from './inspect.js';
import { type MergedOpsets, mergeOpsets } from './opsets.js';
import { renameTensors } from './rename.js';
import { wireFields } from './wire.js';

// Field numbers in onnx.proto.
const MODEL = { irVersion: 1, graph: 7, opsetImport: 8 } as const;
const GRAPH = { input: 11, valueInfo: 13 } as const;
const VALUE_INFO_NAME = 1;

/** Recorded in the composed model: what is in front of the command's model. */
export const PREPROCESS_METADATA_KEY = 'modelgate.preprocess';

const decoder = new TextDecoder();

function valueInfoName(payload: Uint8Array): string {
  const field = wireFields(payload).find((f) => f.field === VALUE_INFO_NAME && f.payload);
  return field?.payload ? decoder.decode(field.payload) : '';
}

function freshName(base: string, taken: ReadonlySet<string>): string {
  let name = `${base}_model`;
  for (let k = 2; taken.has(name); k++) name = `${base}_model_${k}`;
  return name;
}

/**
 * The model's tensors that have a feature's name (the raw inputs must be
 * named after the features) get a fresh name; a model output cannot be renamed.
 */
function resolveClashes(inspected: InspectedModel, spec: ProblemSpec, label: string): Map<string, string> {
  const features = new Set(spec.features.map((f) => f.name));
  const renames = new Map<string, string>();
  const taken = new Set([...inspected.names, ...features]);
  for (const name of features) {
    if (!inspected.names.has(name)) continue;
    if (inspected.outputs.includes(name)) {
      throw new UserError(
        `${label}: output '${name}' has the name of feature '${name}', and the composed model takes the raw features as inputs named after them. Name the model's outputs otherwise (probabilities, label, prediction).`,
      );
    }
    const fresh = freshName(name, taken);
    taken.add(fresh);
    renames.set(name, fresh);
  }
  return renames;
}

/** A prefix no name of the model starts with, for every name the encoding graph makes up. */
function uniquePrefix(names: ReadonlySet<string>): string {
  const clashes = (prefix: string) => [...names].some((n) => n.startsWith(prefix));
  let prefix = 'modelgate_preprocess/';
  for (let k = 2; clashes(prefix); k++) prefix = `modelgate_preprocess_${k}/`;
  return prefix;
}

/** The encoding graph: raw feature inputs -> the model's packed input tensor, by name. */
function preprocessingGraph(encoding: Encoding, spec: ProblemSpec, inspected: InspectedModel) {
  const g = new OnnxGraph('modelgate_preprocess', uniquePrefix(inspected.names));
  const encoded = encodingGraph(g, encoding, addRawInputs(g, spec.features));
  const typed = isDouble(inspected.packed)
    ? g.node('Cast', [encoded], { to: attr.int(DTYPE_CODES.double) }, { hint: 'encoded_double' })
    : encoded;
  g.node('Identity', [typed], {}, { outputs: [inspected.packed.name] });
  return g;
}

/**
 * The graph with the encoding in front: its nodes and raw inputs first, then
 * every field of the model's graph as it was, except that the packed input
 * becomes a value_info of the same tensor (now computed), then the encoding's
 * initializers. Repeated fields keep their order in protobuf, so the encoding
 * nodes come before the model's (topological order).
 */
function splicedGraph(graphBytes: Uint8Array, pre: OnnxTypes.IGraphProto, packed: string): Uint8Array {
  const head = onnx.GraphProto.encode({ node: pre.node ?? [], input: pre.input ?? [] }).finish();
  const tail = onnx.GraphProto.encode({ initializer: pre.initializer ?? [] }).finish();
  const kept = wireFields(graphBytes).map((f) =>
    f.field === GRAPH.input && f.payload && valueInfoName(f.payload) === packed
      ? messageField(GRAPH.valueInfo, f.payload)
      : f.bytes,
  );
  return concatBytes([head, ...kept, tail]);
}

/** The model's fields as they were, but its IR version, its opsets merged and its graph spliced. */
function splicedModel(
  model: Uint8Array,
  merged: MergedOpsets,
  splice: (graph: Uint8Array) => Uint8Array,
): Uint8Array {
  const opsets = [...merged.opsets].map(([domain, version]) =>
    messageField(MODEL.opsetImport, onnx.OperatorSetIdProto.encode({ domain, version }).finish()),
  );
  let opsetsWritten = false;
  const parts: Uint8Array[] = [];
  for (const f of wireFields(model)) {
    if (f.field === MODEL.irVersion && f.wire === 0) {
      parts.push(varintField(MODEL.irVersion, merged.irVersion));
    } else if (f.field === MODEL.opsetImport) {
      if (!opsetsWritten) parts.push(...opsets);
      opsetsWritten = true;
    } else if (f.field === MODEL.graph && f.payload) {
      parts.push(messageField(MODEL.graph, splice(f.payload)));
    } else parts.push(f.bytes);
  }
  if (!opsetsWritten) parts.push(...opsets);
  return concatBytes(parts);
}

/**
 * Composes the encoding in front of a model that takes the encoded matrix
 * (onnx.compose.merge_models, at the byte level): the result takes the raw
 * features, one [N,1] input each (float, or string for a categorical), like a
 * built-in model, and gives the model's outputs unchanged. Tensor names that
 * clash are renamed, opsets merged (see mergeOpsets), the IR version raised
 * only when a domain is added, and the model's metadata kept with
 * modelgate.preprocess added. A model that cannot take the encoded matrix is
 * a UserError naming the tensor.
 */
export function composeEncodedModel(
  bytes: Uint8Array,
  encoding: Encoding,
  spec: ProblemSpec,
  label = 'model.onnx',
): Uint8Array {
  let model = bytes;
  let inspected = inspectEncodedModel(model, label, encoding.width);
  const renames = resolveClashes(inspected, spec, label);
  if (renames.size > 0) {
    model = renameTensors(inspected.model, renames);
    inspected = inspectEncodedModel(model, label, encoding.width);
  }
  const g = preprocessingGraph(encoding, spec, inspected);
  const merged = mergeOpsets(inspected.opsets, inspected.irVersion, g.usedDomains(), label);
  const pre = g.toModelProto({ opsets: Object.fromEntries(merged.opsets) }).graph as OnnxTypes.IGraphProto;
  const spliced = splicedModel(model, merged, (graph) => splicedGraph(graph, pre, inspected.packed.name));
  const record = {
    encoding: encoding.options,
    width: encoding.width,
    input: inspected.packed.name,
    ...(renames.size > 0 ? { renamed: Object.fromEntries(renames) } : {}),
  };
  return stampMetadata(spliced, { [PREPROCESS_METADATA_KEY]: JSON.stringify(record) }, label);
}
