import type { Predictions, TrainingSet } from '../packages/train/src/types.js';

export interface Quality {
  accuracy?: number;
  log_loss?: number;
  rmse?: number;
}

/** Test-split quality: accuracy and log loss for classifiers, RMSE for regressors. */
export function qualityOf(predictions: Predictions, set: TrainingSet, classes: number): Quality {
  const { label, probabilities, prediction } = predictions;
  if (prediction) {
    let sum = 0;
    for (let i = 0; i < set.rows; i++) sum += ((prediction[i] as number) - (set.target[i] as number)) ** 2;
    return { rmse: Math.sqrt(sum / set.rows) };
  }
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < set.rows; i++) {
    const y = set.target[i] as number;
    if (label?.[i] === y) correct++;
    // scikit-learn's log_loss clips probabilities the same way.
    const p = Math.min(Math.max((probabilities?.[i * classes + y] as number) ?? 0, 1e-15), 1 - 1e-15);
    loss -= Math.log(p);
  }
  return { accuracy: correct / set.rows, log_loss: loss / set.rows };
}
