import type { ColumnData } from '@modelgate/core';
import { weightedFromSamples } from '../stats/weighted.js';
import { type ColumnDistribution, sortCategories } from './distribution.js';

/** Two passes, as numpy.std(ddof=0). */
function populationStd(values: Float64Array, weights: Float64Array, total: number): number | null {
  if (total === 0) return null;
  let sum = 0;
  values.forEach((x, i) => {
    sum += x * (weights[i] as number);
  });
  const mean = sum / total;
  let squares = 0;
  values.forEach((x, i) => {
    squares += (x - mean) * (x - mean) * (weights[i] as number);
  });
  return Math.sqrt(squares / total);
}

/** A column read by readColumns(), with every value kept: the exact path. */
export function distributionFromSamples(column: ColumnData): ColumnDistribution {
  if ('codes' in column) {
    if (column.kind === 'text')
      return { shape: 'untested', kind: 'text', rows: column.codes.length, count: 0 };
    const counts = new Array<number>(column.dictionary.length).fill(0);
    let count = 0;
    for (const code of column.codes) {
      if (code < 0) continue;
      counts[code] = (counts[code] ?? 0) + 1;
      count++;
    }
    return {
      shape: 'categorical',
      kind: 'categorical',
      rows: column.codes.length,
      count,
      categories: sortCategories(
        column.dictionary.map((value, i): [string, number] => [value, counts[i] ?? 0]),
      ),
      other: 0,
    };
  }
  const rows = column.values.length;
  if (column.kind === 'boolean') {
    let yes = 0;
    let no = 0;
    column.values.forEach((x, i) => {
      if (column.valid[i]) x ? yes++ : no++;
    });
    const categories = sortCategories([
      ['true', yes],
      ['false', no],
    ]);
    return { shape: 'categorical', kind: 'boolean', rows, count: yes + no, categories, other: 0 };
  }
  const valid = column.values.filter((_, i) => column.valid[i] === 1);
  const values = weightedFromSamples(valid);
  const n = values.values.length;
  return {
    shape: 'numeric',
    kind: column.kind,
    rows,
    count: values.total,
    values,
    min: n > 0 ? (values.values[0] as number) : null,
    max: n > 0 ? (values.values[n - 1] as number) : null,
    std: populationStd(values.values, values.weights, values.total),
    distinct: n,
    buckets: null,
  };
}
