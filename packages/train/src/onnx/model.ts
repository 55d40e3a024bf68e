import type { Algorithm, ProblemSpec } from '../types.js';
import { OnnxGraph } from './graph-builder.js';
import { modelMetadata } from './metadata.js';
import { addRawInputs } from './preprocess.js';

export interface ModelGraph {
  graph: OnnxGraph;
  /** Graph input names in spec feature order (equal to the feature names). */
  inputs: string[];
}

/** A graph with the raw-input layer for `spec` in place; add preprocessing, the model and a head. */
export function startModelGraph(spec: ProblemSpec, name = 'modelgate'): ModelGraph {
  const graph = new OnnxGraph(name);
  return { graph, inputs: addRawInputs(graph, spec.features) };
}

/** The finished model's bytes with the modelgate.* metadata. */
export function finishModel(
  graph: OnnxGraph,
  spec: ProblemSpec,
  algorithm: Algorithm,
  extraMetadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  return graph.toBytes({ metadata: modelMetadata(spec, algorithm, extraMetadata) });
}
