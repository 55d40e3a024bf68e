import type { Design } from './design.js';

/**
 * Training rows grouped by identical design rows, with their class counts:
 * the log loss of g identical rows is g times one row's, so the objective
 * runs over distinct rows only. Tabular data with categorical and discrete
 * features often has far fewer distinct rows than rows.
 */
export interface CountedDesign {
  design: Design;
  /** Rows each distinct row stands for. */
  total: Float64Array;
  /** Row-major [distinct rows, classes]: how many of them have each class. */
  perClass: Float64Array;
  /** Rows before grouping (the objective's N). */
  rows: number;
}

/** Grouping is skipped when it would remove fewer than this share of the rows. */
const MIN_SAVING = 0.2;
/** Rows after which a set that is still almost all distinct is taken to stay so. */
const SAMPLE = 20_000;

function ungrouped(design: Design, target: Int32Array, classes: number): CountedDesign {
  const perClass = new Float64Array(design.rows * classes);
  for (let i = 0; i < design.rows; i++) perClass[i * classes + (target[i] as number)] = 1;
  return { design, total: new Float64Array(design.rows).fill(1), perClass, rows: design.rows };
}

/** One MurmurHash3 (32-bit) round: every input bit reaches the low bits the table uses. */
function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3 over the row's numeric float32 bits and one-hot columns. */
function rowHash(bits: Uint32Array, hot: Int32Array, i: number, k: number, c: number): number {
  let h = 0;
  for (let j = 0; j < k; j++) h = mix(h, bits[i * k + j] as number);
  for (let j = 0; j < c; j++) h = mix(h, hot[i * c + j] as number);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function sameRow(bits: Uint32Array, hot: Int32Array, a: number, b: number, k: number, c: number): boolean {
  for (let j = 0; j < k; j++) if (bits[a * k + j] !== bits[b * k + j]) return false;
  for (let j = 0; j < c; j++) if (hot[a * c + j] !== hot[b * c + j]) return false;
  return true;
}

/** Groups identical design rows (first occurrence order, so deterministic). */
export function countRows(design: Design, target: Int32Array, classes: number): CountedDesign {
  const { rows, numeric, hot } = design;
  const k = design.layout.numeric.length;
  const c = design.layout.categorical.length;
  const bits = new Uint32Array(numeric.buffer, numeric.byteOffset, numeric.length);
  let capacity = 1024;
  while (capacity < rows * 2) capacity *= 2;
  const slots = new Int32Array(capacity).fill(-1);
  const groupOf = new Int32Array(rows);
  const firstRow: number[] = [];
  for (let i = 0; i < rows; i++) {
    let slot = rowHash(bits, hot, i, k, c) & (capacity - 1);
    for (;;) {
      const group = slots[slot] as number;
      if (group < 0) {
        slots[slot] = firstRow.length;
        groupOf[i] = firstRow.length;
        firstRow.push(i);
        break;
      }
      if (sameRow(bits, hot, firstRow[group] as number, i, k, c)) {
        groupOf[i] = group;
        break;
      }
      slot = (slot + 1) & (capacity - 1);
    }
    // Give up as soon as grouping cannot pay: overall, or already over a first sample of rows.
    const seen = i + 1;
    const sampled = seen === SAMPLE && firstRow.length > seen * (1 - MIN_SAVING);
    if (sampled || firstRow.length > rows * (1 - MIN_SAVING)) return ungrouped(design, target, classes);
  }
  const distinct = firstRow.length;
  const groupedNumeric = new Float32Array(distinct * k);
  const groupedHot = new Int32Array(distinct * c);
  firstRow.forEach((row, g) => {
    groupedNumeric.set(numeric.subarray(row * k, row * k + k), g * k);
    groupedHot.set(hot.subarray(row * c, row * c + c), g * c);
  });
  const total = new Float64Array(distinct);
  const perClass = new Float64Array(distinct * classes);
  for (let i = 0; i < rows; i++) {
    const g = groupOf[i] as number;
    total[g] = (total[g] as number) + 1;
    const at = g * classes + (target[i] as number);
    perClass[at] = (perClass[at] as number) + 1;
  }
  return {
    design: { rows: distinct, numeric: groupedNumeric, hot: groupedHot, layout: design.layout },
    total,
    perClass,
    rows,
  };
}
