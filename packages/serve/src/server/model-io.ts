import { errorMessage, UserError } from '@modelgate/core';
import {
  type FeatureSpec,
  formatShape,
  type ModelSignature,
  type ModelSpec,
  planInputs,
  planOutputs,
  type TensorSignature,
} from '@modelgate/runtime';
import type { ElementType } from './tensor.js';

/** An input a request may name: the element types it may come in (the first is the one listed) and its shape. */
export interface AcceptedInput {
  name: string;
  types: readonly ElementType[];
  shape: readonly number[];
}

/** An output as the server answers it. */
export interface ServedOutput {
  name: string;
  type: ElementType;
  shape: readonly number[];
}

/** One column of a packed input: numbers, or (categorical with known categories) strings sent as names. */
export interface PackedFeature {
  name: string;
  /** Category name → code (its index in the spec's categories); null when the column takes codes as numbers. */
  codes: ReadonlyMap<string, number> | null;
  categories: readonly string[] | null;
}

/** A model's single float [N, F] input, whose columns are the spec's features in order. */
export interface PackedInput {
  name: string;
  type: 'float32' | 'float64';
  features: readonly PackedFeature[];
}

/** Where the served (class-name) label comes from when the model does not output class names itself. */
export type LabelSource = { from: 'index'; output: string } | { from: 'argmax'; probabilities: string };

export const DERIVED_LABEL = 'label';

/** What requests may send and what the server answers, decided once per loaded model. */
export interface ModelIO {
  /** The model's own inputs, then (for a packed input) one per feature. */
  inputs: ReadonlyMap<string, AcceptedInput>;
  packed: PackedInput | null;
  outputs: readonly ServedOutput[];
  label: LabelSource | null;
  /** The classifier's probabilities output, for the prediction log's per-class columns. */
  probabilities: string | null;
  classes: readonly string[];
}

const FLOATS: readonly ElementType[] = ['float32', 'float64'];

function rawInputs(signature: ModelSignature): Map<string, AcceptedInput> {
  return new Map(
    signature.inputs.map((t) => [t.name, { name: t.name, types: [t.type as ElementType], shape: t.shape }]),
  );
}

function packedFeature(feature: FeatureSpec): PackedFeature {
  const categories = feature.kind === 'categorical' ? (feature.categories ?? null) : null;
  return {
    name: feature.name,
    codes: categories ? new Map(categories.map((c, i) => [c, i])) : null,
    categories,
  };
}

function inputsFor(signature: ModelSignature, spec: ModelSpec): Pick<ModelIO, 'inputs' | 'packed'> {
  const inputs = rawInputs(signature);
  const plan = planInputs(signature, spec);
  if (plan.mode === 'columns') return { inputs, packed: null };
  const width = spec.features.length;
  // A dynamic width still has to be the spec's: say so in the metadata and check it per request.
  const raw = inputs.get(plan.name) as AcceptedInput;
  inputs.set(plan.name, { ...raw, shape: [raw.shape[0] ?? -1, width] });
  const features = spec.features.map(packedFeature);
  // Either float type is taken per feature; the model's own is the one the metadata lists.
  const numbers: readonly ElementType[] = plan.type === 'float64' ? ['float64', 'float32'] : FLOATS;
  for (const f of features) {
    if (inputs.has(f.name)) continue;
    inputs.set(f.name, { name: f.name, types: f.codes ? ['string'] : numbers, shape: [-1, 1] });
  }
  return { inputs, packed: { name: plan.name, type: plan.type, features } };
}

function checkProbabilities(output: TensorSignature, classes: readonly string[]): void {
  const c = classes.length;
  const { shape } = output;
  const width = shape.length === 1 ? 1 : shape[1];
  const fits =
    shape.length >= 1 && shape.length <= 2 && (width === -1 || width === c || (c === 2 && width === 1));
  if (!fits) {
    throw new UserError(
      `output '${output.name}' has shape ${formatShape(shape)}, expected [N, ${c}] (one column per class: ${classes.join(', ')})${c === 2 ? ' or [N] (the probability of the second class)' : ''}`,
    );
  }
}

function outputsFor(
  signature: ModelSignature,
  spec: ModelSpec,
): Pick<ModelIO, 'outputs' | 'label' | 'probabilities' | 'classes'> {
  const outputs: ServedOutput[] = signature.outputs.map((t) => ({
    name: t.name,
    type: t.type as ElementType,
    shape: t.shape,
  }));
  const classes = spec.classes ?? [];
  // Also the check that the outputs fit the task: a regressor's prediction, a classifier's probabilities or label.
  const plan = planOutputs(signature, spec);
  if (spec.task === 'regression') return { outputs, label: null, probabilities: null, classes };
  const probabilities = plan.probabilities ?? null;
  if (probabilities) {
    checkProbabilities(signature.outputs.find((o) => o.name === probabilities) as TensorSignature, classes);
  }
  if (plan.label !== undefined) {
    const served = outputs.find((o) => o.name === plan.label) as ServedOutput;
    if (served.type === 'string') return { outputs, label: null, probabilities, classes };
    if (served.type === 'bool') {
      throw new UserError(
        `output '${served.name}' is bool, expected class-name strings or integer class indices`,
      );
    }
    // Integer labels are indices into the classes; the server answers with the names.
    served.type = 'string';
    return { outputs, label: { from: 'index', output: served.name }, probabilities, classes };
  }
  const from = probabilities as string;
  outputs.push({ name: DERIVED_LABEL, type: 'string', shape: [-1] });
  return { outputs, label: { from: 'argmax', probabilities: from }, probabilities, classes };
}

/**
 * With a spec: the per-feature inputs a packed model also takes, and a
 * classifier's label as class names (integer labels mapped, a label derived
 * from the probabilities when the model has none). Without one, the model's
 * tensors as they are. A model whose inputs or outputs do not fit its spec is
 * a UserError naming it.
 */
export function planModelIO(label: string, signature: ModelSignature, spec: ModelSpec | null): ModelIO {
  if (!spec) {
    return {
      inputs: rawInputs(signature),
      packed: null,
      outputs: signature.outputs.map((t) => ({ name: t.name, type: t.type as ElementType, shape: t.shape })),
      label: null,
      probabilities: null,
      classes: [],
    };
  }
  try {
    return { ...inputsFor(signature, spec), ...outputsFor(signature, spec) };
  } catch (err) {
    throw new UserError(`${label}: ${errorMessage(err)}`);
  }
}
