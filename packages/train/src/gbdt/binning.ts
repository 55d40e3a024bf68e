import type { CategoricalColumn, NumericColumn } from '@modelgate/core';
import type { ProblemSpec, TrainingSet } from '../types.js';
import { binOf, binUpperBounds, sortedPresent } from './thresholds.js';

/**
 * How one feature maps to bins 0..bins-1, plus the missing-value bin `bins`.
 * Numeric: bin b holds x <= upperBounds[b] (float32 values), the last bin the rest.
 * Categorical: `categoryBins[code]`; the most frequent `bins - 1` training
 * categories keep their own bin when there are more categories than bins, the
 * rest share the last bin. A null or a category unseen in training is missing.
 */
export interface FeatureBins {
  readonly kind: 'numeric' | 'categorical';
  readonly bins: number;
  readonly upperBounds: Float64Array;
  readonly categoryBins: Int32Array;
}

export interface BinMapper {
  readonly features: readonly FeatureBins[];
  /** Start of each feature's slots in a histogram (bins + 1 each, missing last). */
  readonly offsets: Int32Array;
  readonly totalBins: number;
}

/**
 * Bins column-major (column f holds each row's bin of feature f: partitions and
 * prediction read one feature) and, for training, row-major too (a row's bins
 * side by side: a histogram pass reads each row once, whichever rows a node holds).
 */
export interface BinnedMatrix {
  readonly rows: number;
  readonly columns: readonly (Uint8Array | Uint16Array)[];
  /** rows x features, row-major; only built for the training split. */
  readonly rowMajor?: Uint8Array | Uint16Array;
}

export function missingBin(feature: FeatureBins): number {
  return feature.bins;
}

/** Bins per category code, capped at `maxBins`: the rarest categories share the last bin. */
export function categoricalBins(codes: Int32Array, categoryCount: number, maxBins: number): FeatureBins {
  const counts = new Float64Array(categoryCount);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c >= 0 && c < categoryCount) counts[c] = (counts[c] as number) + 1;
  }
  const categoryBins = new Int32Array(categoryCount);
  if (categoryCount <= maxBins) {
    for (let c = 0; c < categoryCount; c++) categoryBins[c] = c;
    return { kind: 'categorical', bins: categoryCount, upperBounds: new Float64Array(0), categoryBins };
  }
  const byFrequency = Array.from({ length: categoryCount }, (_, c) => c).sort(
    (a, b) => (counts[b] as number) - (counts[a] as number) || a - b,
  );
  const kept = byFrequency.slice(0, maxBins - 1).sort((a, b) => a - b);
  categoryBins.fill(maxBins - 1);
  kept.forEach((code, bin) => {
    categoryBins[code] = bin;
  });
  return { kind: 'categorical', bins: maxBins, upperBounds: new Float64Array(0), categoryBins };
}

function numericBins(column: NumericColumn, maxBins: number): FeatureBins {
  const upperBounds = binUpperBounds(sortedPresent(column.values, column.valid), maxBins);
  return { kind: 'numeric', bins: upperBounds.length + 1, upperBounds, categoryBins: new Int32Array(0) };
}

function isCategorical(column: NumericColumn | CategoricalColumn): column is CategoricalColumn {
  return 'codes' in column;
}

/** Learns the bins of every feature from the training split. */
export function fitBinMapper(
  spec: ProblemSpec,
  train: TrainingSet,
  maxBins: number,
  maxCatBins: number,
): BinMapper {
  const features = spec.features.map((feature, f) => {
    const column = train.features[f];
    if (!column) throw new Error(`gbdt: the training set has no column for feature '${feature.name}'`);
    if (feature.kind === 'categorical') {
      if (!isCategorical(column))
        throw new Error(`gbdt: feature '${feature.name}' is categorical but its column is not`);
      return categoricalBins(column.codes, feature.categories?.length ?? 0, maxCatBins);
    }
    if (isCategorical(column))
      throw new Error(`gbdt: feature '${feature.name}' is numeric but its column is not`);
    return numericBins(column, maxBins);
  });
  const offsets = new Int32Array(features.length + 1);
  features.forEach((feature, f) => {
    offsets[f + 1] = (offsets[f] as number) + feature.bins + 1;
  });
  return { features, offsets, totalBins: offsets[features.length] as number };
}

function binNumeric(feature: FeatureBins, column: NumericColumn, out: Uint8Array | Uint16Array): void {
  const { upperBounds, bins } = feature;
  const { values, valid } = column;
  for (let i = 0; i < out.length; i++) {
    const x = Math.fround(values[i] as number);
    out[i] = valid[i] === 1 && !Number.isNaN(x) ? binOf(upperBounds, x) : bins;
  }
}

function binCategorical(
  feature: FeatureBins,
  column: CategoricalColumn,
  out: Uint8Array | Uint16Array,
): void {
  const { categoryBins, bins } = feature;
  const { codes } = column;
  const known = categoryBins.length;
  for (let i = 0; i < out.length; i++) {
    const c = codes[i] as number;
    out[i] = c >= 0 && c < known ? (categoryBins[c] as number) : bins;
  }
}

/** Bins every row of `set` with the training split's mapper (one byte per value when bins fit). */
export function binSet(mapper: BinMapper, set: TrainingSet, withRowMajor = false): BinnedMatrix {
  const wide = mapper.features.some((f) => f.bins + 1 > 256);
  const rows = set.rows;
  const buffer = wide
    ? new Uint16Array(rows * mapper.features.length)
    : new Uint8Array(rows * mapper.features.length);
  const columns = mapper.features.map((feature, f) => {
    const out = buffer.subarray(f * rows, (f + 1) * rows);
    const column = set.features[f];
    if (!column) throw new Error(`gbdt: the set has no column ${f}`);
    if (isCategorical(column)) binCategorical(feature, column, out);
    else binNumeric(feature, column, out);
    return out;
  });
  return withRowMajor ? { rows, columns, rowMajor: transpose(columns, rows, wide) } : { rows, columns };
}

function transpose(
  columns: readonly (Uint8Array | Uint16Array)[],
  rows: number,
  wide: boolean,
): Uint8Array | Uint16Array {
  const features = columns.length;
  const out = wide ? new Uint16Array(rows * features) : new Uint8Array(rows * features);
  columns.forEach((column, f) => {
    for (let i = 0, at = f; i < rows; i++, at += features) out[at] = column[i] as number;
  });
  return out;
}
