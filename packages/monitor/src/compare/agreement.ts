import { argmax } from '../performance/metrics.js';
import type { ModelOutputs } from '../performance/types.js';

/** The class each row was given: the logged label, else the first most probable class. */
export function predictedClasses(outputs: ModelOutputs): Int32Array {
  if (outputs.yPred) return outputs.yPred;
  const p = outputs.probabilities;
  return p ? argmax(p, outputs.classes.length) : new Int32Array();
}

/** Classifiers: the share of `rows` where both models gave the same class. */
export function agreementRate(production: Int32Array, shadow: Int32Array, rows: Int32Array): number | null {
  if (rows.length === 0) return null;
  let same = 0;
  for (const i of rows) if (production[i] === shadow[i]) same++;
  return same / rows.length;
}
