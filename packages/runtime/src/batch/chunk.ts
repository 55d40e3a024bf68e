import type { ColumnData } from '@modelgate/core';
import type { ColumnSet, ColumnsSpec } from '../columns.js';
import type { DuckChunk, DuckValue } from './duckdb-types.js';

/** Rows gathered from DuckDB for one scoring call, in input order. */
export interface ScoringChunk {
  /** 1-based input row number of the first row. */
  firstRow: number;
  set: ColumnSet;
  /** Id column values, per id column. */
  ids: DuckValue[][];
  /** Reasons found while reading (text in a numeric column), by offset in the chunk. */
  reasons: Map<number, string>;
}

/**
 * Fills typed arrays from DuckDB's 2048-row vectors until `capacity` rows:
 * features become a ColumnSet the runtime scores, ids stay DuckDB values.
 */
export class ChunkBuilder {
  private columns: ColumnData[] = [];
  /** Per feature: the chunk's own dictionary of a categorical feature whose spec lists no categories. */
  private openDictionaries: (Map<string, number> | undefined)[] = [];
  private ids: DuckValue[][] = [];
  private reasons = new Map<number, string>();
  private rows = 0;

  constructor(
    private readonly spec: ColumnsSpec,
    private readonly idCount: number,
    private readonly capacity: number,
    private firstRow = 1,
  ) {
    this.reset();
  }

  get size(): number {
    return this.rows;
  }

  get full(): boolean {
    return this.rows >= this.capacity;
  }

  /** Appends rows [from, to) of a DuckDB chunk; returns how many were taken. */
  add(chunk: DuckChunk, from: number): number {
    const n = Math.min(chunk.rowCount - from, this.capacity - this.rows);
    for (let c = 0; c < this.idCount; c++) {
      const values = chunk.getColumnValues(c);
      const target = this.ids[c] as DuckValue[];
      for (let i = 0; i < n; i++) target.push(values[from + i] as DuckValue);
    }
    this.spec.features.forEach((_, f) => {
      const vector = chunk.getColumnVector(this.idCount + f);
      const column = this.columns[f] as ColumnData;
      const dictionary = this.openDictionaries[f];
      if (dictionary && 'codes' in column) {
        for (let i = 0; i < n; i++) {
          column.codes[this.rows + i] = codeOf(dictionary, column, vector.getItem(from + i) as string | null);
        }
        return;
      }
      if ('codes' in column) {
        for (let i = 0; i < n; i++) column.codes[this.rows + i] = vector.getItem(from + i) as number;
        return;
      }
      for (let i = 0; i < n; i++) {
        const v = vector.getItem(from + i) as number | null;
        if (v === null) continue;
        column.values[this.rows + i] = v;
        column.valid[this.rows + i] = 1;
      }
    });
    const reasons = chunk.getColumnVector(this.idCount + this.spec.features.length);
    for (let i = 0; i < n; i++) {
      const reason = reasons.getItem(from + i) as string | null;
      if (reason) this.reasons.set(this.rows + i, reason);
    }
    this.rows += n;
    return n;
  }

  /** The rows gathered so far; the builder starts a new chunk after them. */
  take(): ScoringChunk {
    const rows = this.rows;
    const features = this.columns.map((c) => trim(c, rows));
    const out: ScoringChunk = {
      firstRow: this.firstRow,
      set: { rows, features },
      ids: this.ids,
      reasons: this.reasons,
    };
    this.firstRow += rows;
    this.reset();
    return out;
  }

  private reset(): void {
    const n = this.capacity;
    this.rows = 0;
    this.ids = Array.from({ length: this.idCount }, () => []);
    this.reasons = new Map();
    this.openDictionaries = this.spec.features.map((f) =>
      f.kind === 'categorical' && f.categories === undefined ? new Map() : undefined,
    );
    this.columns = this.spec.features.map((f): ColumnData => {
      if (f.kind === 'categorical') {
        const dictionary = [...(f.categories ?? [])];
        return { kind: 'categorical', name: f.name, codes: new Int32Array(n), dictionary };
      }
      return { kind: 'numeric', name: f.name, values: new Float64Array(n), valid: new Uint8Array(n) };
    });
  }
}

/** The code of a string in the chunk's own dictionary, added on first sight; -1 for null. */
function codeOf(
  dictionary: Map<string, number>,
  column: { dictionary: string[] },
  value: string | null,
): number {
  if (value === null) return -1;
  let code = dictionary.get(value);
  if (code === undefined) {
    code = column.dictionary.length;
    dictionary.set(value, code);
    column.dictionary.push(value);
  }
  return code;
}

function trim(column: ColumnData, rows: number): ColumnData {
  if ('codes' in column) return { ...column, codes: column.codes.subarray(0, rows) };
  return { ...column, values: column.values.subarray(0, rows), valid: column.valid.subarray(0, rows) };
}
