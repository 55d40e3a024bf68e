/**
 * bench:onnx-reader — the registry's ONNX summary (inputs, outputs, opsets, metadata) read by its own
 * wire-format reader, which skips the graph's nodes and weights, against a full decode with the
 * generated bindings (@modelgate/core/onnx-proto), on a small model, a 20 MB weight and a large tree
 * ensemble (whose thresholds are node attributes, as the built-in GBDT writes them).
 */
import { onnx } from '@modelgate/core/onnx-proto';
import { readOnnxSummary } from '@modelgate/registry';

function model(weightFloats: number, treeNodes: number): Uint8Array {
  const value = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 4 }] } } },
  });
  const attrs = treeNodes
    ? [
        { name: 'nodes_values', type: 6, floats: Array.from({ length: treeNodes }, (_, i) => i / 7) },
        { name: 'nodes_featureids', type: 7, ints: Array.from({ length: treeNodes }, (_, i) => i % 4) },
        {
          name: 'nodes_modes',
          type: 8,
          strings: Array.from({ length: treeNodes }, () => new TextEncoder().encode('BRANCH_LEQ')),
        },
      ]
    : [];
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    metadataProps: [{ key: 'modelgate.task', value: 'binary' }],
    graph: {
      name: 'g',
      node: [
        {
          opType: treeNodes ? 'TreeEnsembleClassifier' : 'Add',
          domain: treeNodes ? 'ai.onnx.ml' : '',
          input: ['x', 'w'],
          output: ['y'],
          attribute: attrs,
        },
      ],
      initializer: [
        { name: 'w', dataType: 1, dims: [weightFloats], rawData: new Uint8Array(weightFloats * 4) },
      ],
      input: [value('x')],
      output: [value('y')],
    },
  }).finish();
}

function viaBindings(bytes: Uint8Array) {
  const m = onnx.ModelProto.decode(bytes);
  const weights = new Set((m.graph?.initializer ?? []).map((t) => t.name));
  const dims = (v: onnx.IValueInfoProto) =>
    (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
  return {
    inputs: (m.graph?.input ?? [])
      .filter((i) => !weights.has(i.name))
      .map((i) => ({ name: i.name, dims: dims(i) })),
    outputs: (m.graph?.output ?? []).map((i) => ({ name: i.name, dims: dims(i) })),
    opsets: Object.fromEntries(m.opsetImport.map((o) => [o.domain, Number(o.version)])),
    properties: Object.fromEntries(m.metadataProps.map((e) => [e.key, e.value])),
  };
}

function time(fn: () => unknown, reps: number): number {
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)] as number;
}

for (const [label, w, n] of [
  ['small linear (3 weights)', 3, 0],
  ['linear, 5M float weights (20 MB)', 5_000_000, 0],
  ['tree ensemble, 200k nodes (~3 MB of attributes)', 100, 200_000],
] as const) {
  const bytes = model(w, n);
  const reps = n ? 21 : w > 1000 ? 41 : 2001;
  for (let i = 0; i < 5; i++) {
    readOnnxSummary(bytes);
    viaBindings(bytes);
  }
  const a = time(() => readOnnxSummary(bytes), reps);
  const b = time(() => viaBindings(bytes), reps);
  console.log(
    `${label} (${(bytes.length / 1e6).toFixed(2)} MB): registry reader ${(a * 1000).toFixed(1)} µs, bindings ${(b * 1000).toFixed(1)} µs, bindings/reader ${(b / a).toFixed(1)}x`,
  );
}
