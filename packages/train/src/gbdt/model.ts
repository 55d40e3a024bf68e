import type { ParamValue, Predictions, ProblemSpec, TrainedModel, TrainingSet } from '../types.js';
import { type BinMapper, binSet } from './binning.js';
import type { Ensemble } from './boosting.js';
import { gbdtToOnnx } from './onnx-export.js';
import { predictionsFromScores, rawScores } from './predict.js';

/** A trained ensemble with the bins it learned; predicts in the ONNX graph's precision. */
export class GbdtModel implements TrainedModel {
  readonly algorithm = 'gbdt';

  constructor(
    private readonly spec: ProblemSpec,
    readonly mapper: BinMapper,
    readonly ensemble: Ensemble,
    readonly info: Readonly<Record<string, ParamValue>>,
  ) {}

  /** Output-major raw scores (before sigmoid/softmax): row i, output k at k * rows + i. */
  scores(set: TrainingSet): Float64Array {
    return rawScores(this.ensemble, binSet(this.mapper, set));
  }

  predict(set: TrainingSet): Predictions {
    return predictionsFromScores(this.spec.task, this.scores(set), set.rows, this.ensemble.outputs);
  }

  toOnnx(spec: ProblemSpec): Uint8Array {
    return gbdtToOnnx(spec, this.mapper, this.ensemble);
  }
}
