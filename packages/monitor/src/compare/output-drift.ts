import type { ColumnData } from '@modelgate/core';
import { driftFromSamples } from '../drift/detect.js';
import type { DriftOptions } from '../drift/options.js';
import type { DriftSection } from '../drift/types.js';
import { OUTPUT_COLUMNS } from '../performance/columns.js';
import type { ModelOutputs } from '../performance/types.js';
import { predictedClasses } from './agreement.js';

function numeric(name: string, values: ArrayLike<number>, rows: Int32Array): ColumnData {
  const picked = Float64Array.from(rows, (i) => values[i] as number);
  return {
    kind: 'numeric',
    name,
    values: picked,
    valid: Uint8Array.from(picked, (v) => (Number.isFinite(v) ? 1 : 0)),
  };
}

/** A model's outputs on `rows` as the drift tests read columns: the label, each class's probability, or the prediction. */
function outputColumns(outputs: ModelOutputs, rows: Int32Array): ColumnData[] {
  if (outputs.task === 'regression')
    return [numeric(OUTPUT_COLUMNS.prediction, outputs.prediction ?? new Float64Array(), rows)];
  const classes = outputs.classes.length;
  const predicted = predictedClasses(outputs);
  const columns: ColumnData[] = [
    {
      kind: 'categorical',
      name: OUTPUT_COLUMNS.label,
      codes: Int32Array.from(rows, (i) => predicted[i] as number),
      dictionary: [...outputs.classes],
    },
  ];
  const p = outputs.probabilities;
  if (p) {
    outputs.classes.forEach((c, k) => {
      const column = Float64Array.from(
        { length: p.length / classes },
        (_, i) => p[i * classes + k] as number,
      );
      columns.push(numeric(`${OUTPUT_COLUMNS.probabilityPrefix}${c}`, column, rows));
    });
  }
  return columns;
}

/**
 * Drift of the shadow's outputs from production's on the same rows, with the
 * drift tests monitor runs on features (production's outputs as the reference).
 */
export function outputDrift(
  production: ModelOutputs,
  shadow: ModelOutputs,
  rows: Int32Array,
  options: DriftOptions = {},
): DriftSection & { drift: boolean } {
  const reference = outputColumns(production, rows);
  const names = reference.map((c) => c.name);
  const report = driftFromSamples(reference, outputColumns(shadow, rows), {
    ...options,
    columns: [],
    predictions: names,
  });
  return report.predictions ?? { columns: [], evaluated: 0, drifted: 0, share: 0, drift: false };
}
