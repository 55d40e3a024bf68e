export type Probabilities = Float32Array | Float64Array;

/** A classifier's output on a holdout. Binary tasks have 2 classes and the positive class is index 1. */
export interface ClassificationInput {
  /** True class indices in 0..classes-1. */
  yTrue: Int32Array;
  classes: number;
  /** Row-major [N, classes]; absent when the model gives labels only. */
  probabilities?: Probabilities;
  /** Predicted class indices; default: the first maximum of each probability row. */
  yPred?: Int32Array;
  /** Class names, for reasons and reports; default "class <k>". */
  classNames?: readonly string[];
}

export interface RegressionInput {
  yTrue: Float64Array;
  yPred: Float64Array | Float32Array;
}

/** A checked classification input: labels resolved, probabilities usable or the reason they are not. */
export interface Classification {
  n: number;
  classes: number;
  yTrue: Int32Array;
  yPred: Int32Array;
  probabilities: Probabilities | undefined;
  /** Why probability metrics are undefined (no probabilities, or NaN/inf in them). */
  noProbabilities: string | undefined;
  className: (k: number) => string;
}

/** The first maximum of each row, as numpy's argmax and scikit-learn's predict do. */
export function argmaxRows(probabilities: Probabilities, classes: number): Int32Array {
  const n = probabilities.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let top = probabilities[i * classes] as number;
    for (let k = 1; k < classes; k++) {
      const p = probabilities[i * classes + k] as number;
      if (p > top) {
        top = p;
        best = k;
      }
    }
    out[i] = best;
  }
  return out;
}

export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return i;
  return -1;
}

function checkLabels(labels: Int32Array, classes: number, what: string): void {
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i] as number;
    if (k < 0 || k >= classes)
      throw new RangeError(`${what}[${i}] = ${k} is not a class index in 0..${classes - 1}`);
  }
}

/** Checks shapes and label ranges (a mismatch is a bug upstream, so a RangeError, not a UserError). */
export function resolveClassification(input: ClassificationInput): Classification {
  const { yTrue, classes, probabilities } = input;
  const n = yTrue.length;
  if (!Number.isInteger(classes) || classes < 2)
    throw new RangeError(`expected 2 or more classes, got ${classes}`);
  checkLabels(yTrue, classes, 'yTrue');
  if (probabilities && probabilities.length !== n * classes) {
    throw new RangeError(
      `probabilities has ${probabilities.length} values, expected ${n} rows x ${classes} classes`,
    );
  }
  if (!input.yPred && !probabilities) throw new RangeError('expected yPred or probabilities');
  const yPred = input.yPred ?? argmaxRows(probabilities as Probabilities, classes);
  if (yPred.length !== n) throw new RangeError(`yPred has ${yPred.length} rows, yTrue ${n}`);
  checkLabels(yPred, classes, 'yPred');
  const bad = probabilities ? firstNonFinite(probabilities) : -1;
  const noProbabilities = !probabilities
    ? 'the model gives labels only, no class probabilities'
    : bad >= 0
      ? `the probabilities contain ${probabilities[bad]} (row ${Math.floor(bad / classes)})`
      : undefined;
  const className = (k: number) => input.classNames?.[k] ?? `class ${k}`;
  return { n, classes, yTrue, yPred, probabilities, noProbabilities, className };
}

export function checkRegression(input: RegressionInput): void {
  if (input.yPred.length !== input.yTrue.length) {
    throw new RangeError(`yPred has ${input.yPred.length} rows, yTrue ${input.yTrue.length}`);
  }
}

/** The rows `rows` (repeats allowed) of row-major values `width` wide. */
export function gatherRows<T extends Int32Array | Float32Array | Float64Array>(
  values: T,
  rows: Int32Array,
  width = 1,
): T {
  const out = new (values.constructor as new (n: number) => T)(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    for (let k = 0; k < width; k++) out[i * width + k] = values[r * width + k] as number;
  }
  return out;
}

/** The rows `rows` (repeats allowed: bootstrap resamples) of a classification input. */
export function selectClassification(input: ClassificationInput, rows: Int32Array): ClassificationInput {
  const out: ClassificationInput = { yTrue: gatherRows(input.yTrue, rows), classes: input.classes };
  if (input.probabilities) out.probabilities = gatherRows(input.probabilities, rows, input.classes);
  if (input.yPred) out.yPred = gatherRows(input.yPred, rows);
  if (input.classNames) out.classNames = input.classNames;
  return out;
}

export function selectRegression(input: RegressionInput, rows: Int32Array): RegressionInput {
  return { yTrue: gatherRows(input.yTrue, rows), yPred: gatherRows(input.yPred, rows) };
}
