import { type OnnxTypes, onnx } from '../onnx/proto.js';

function renameGraph(graph: OnnxTypes.IGraphProto, names: ReadonlyMap<string, string>): void {
  const to = (name: string | null | undefined) => (name ? (names.get(name) ?? name) : name);
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    v.name = to(v.name) ?? null;
  }
  for (const t of graph.initializer ?? []) t.name = to(t.name) ?? null;
  for (const s of graph.sparseInitializer ?? []) {
    if (s.values) s.values.name = to(s.values.name) ?? null;
    if (s.indices) s.indices.name = to(s.indices.name) ?? null;
  }
  for (const a of graph.quantizationAnnotation ?? []) a.tensorName = to(a.tensorName) ?? null;
  for (const node of graph.node ?? []) {
    node.input = (node.input ?? []).map((n) => to(n) ?? '');
    node.output = (node.output ?? []).map((n) => to(n) ?? '');
    for (const a of node.attribute ?? []) {
      // A subgraph may use the outer graph's tensors by name.
      if (a.g) renameGraph(a.g, names);
      for (const sub of a.graphs ?? []) renameGraph(sub, names);
    }
  }
}

/**
 * The model with tensors renamed (onnx.compose's add_prefix, for the few names
 * that clash). It decodes and re-encodes the model, which drops fields newer
 * than the onnx.proto the bindings were generated from: only taken when a feature has the name of one of the model's
 * tensors, which the byte-level splice cannot resolve.
 */
export function renameTensors(model: OnnxTypes.ModelProto, names: ReadonlyMap<string, string>): Uint8Array {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  if (copy.graph) renameGraph(copy.graph, names);
  return onnx.ModelProto.encode(copy).finish();
}
