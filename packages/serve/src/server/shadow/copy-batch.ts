import { allocateUnfilled, elementCount, type TensorData, type TensorValues } from '../tensor.js';

interface Column {
  name: string;
  type: TensorData['type'];
  /** The dimensions after the first (rows): every copy in the batch has the same. */
  inner: number[];
  perRow: number;
  data: TensorValues;
  /** Elements written. */
  length: number;
}

/** The request's tensor for a column: at the same place as in the first copy (the usual case), else by name. */
const tensorFor = (inputs: readonly TensorData[], index: number, name: string) =>
  inputs[index]?.name === name ? inputs[index] : inputs.find((t) => t.name === name);

/** Values a column takes one by one rather than with set(). */
const SMALL_COPY = 16;

const sameDims = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The answered requests' inputs gathering for one shadow batch, each input's rows appended into one
 * growing array: a copy costs no buffer of its own (a buffer per request, freed by the collector,
 * was a measurable part of the shadow's cost to the HTTP thread), and the batch needs no joining.
 */
export class CopyBatch {
  private columns: Column[] | undefined;
  rows = 0;
  /** The inputs' size: typed elements' bytes, strings' lengths. */
  bytes = 0;

  /** `capacityRows`: the rows room is made for at first; the arrays grow past it. */
  constructor(private readonly capacityRows: number) {}

  /**
   * Appends a request's inputs; false (nothing appended) when they do not fit this batch: other
   * input names or inner dimensions than its first copy's.
   */
  append(inputs: readonly TensorData[], rows: number): boolean {
    if (!this.columns) {
      this.columns = inputs.map((t) => {
        const inner = t.dims.slice(1);
        const perRow = elementCount(inner);
        const capacity = Math.max(this.capacityRows, rows) * perRow;
        return {
          name: t.name,
          type: t.type,
          inner,
          perRow,
          data: allocateUnfilled(t.type, capacity),
          length: 0,
        };
      });
    } else if (!this.fits(inputs)) {
      return false;
    }
    // Indexed: this runs on the HTTP thread for every copied request, and an iterator allocates.
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i] as Column;
      const tensor = tensorFor(inputs, i, column.name) as TensorData;
      this.bytes += this.write(column, tensor.data, rows * column.perRow);
    }
    this.rows += rows;
    return true;
  }

  private fits(inputs: readonly TensorData[]): boolean {
    const columns = this.columns as Column[];
    if (inputs.length !== columns.length) return false;
    return columns.every((column, i) => {
      const tensor = tensorFor(inputs, i, column.name);
      return (
        tensor !== undefined && tensor.type === column.type && sameDims(tensor.dims.slice(1), column.inner)
      );
    });
  }

  /** Appends `count` values to the column; their bytes. */
  private write(column: Column, values: TensorValues, count: number): number {
    if (column.length + count > column.data.length) {
      const grown = allocateUnfilled(column.type, Math.max(2 * column.data.length, column.length + count));
      if (Array.isArray(grown))
        for (let i = 0; i < column.length; i++) grown[i] = (column.data as string[])[i] as string;
      else (grown as Float64Array).set((column.data as Float64Array).subarray(0, column.length));
      column.data = grown;
    }
    let bytes = 0;
    if (Array.isArray(column.data)) {
      for (let i = 0; i < count; i++) {
        const value = (values as string[])[i] as string;
        column.data[column.length + i] = value;
        bytes += value.length;
      }
    } else {
      const data = column.data as Float64Array;
      const from = values as Float64Array;
      // A request's few values are copied one by one: a subarray to set() from costs more than they do.
      if (count <= SMALL_COPY) for (let i = 0; i < count; i++) data[column.length + i] = from[i] as number;
      else data.set(from.subarray(0, count), column.length);
      bytes = count * data.BYTES_PER_ELEMENT;
    }
    column.length += count;
    return bytes;
  }

  /** The batch's inputs, one tensor per input over the rows appended. */
  tensors(): TensorData[] {
    return (this.columns ?? []).map((c) => ({
      name: c.name,
      type: c.type,
      dims: [this.rows, ...c.inner],
      data: Array.isArray(c.data) ? c.data.slice(0, c.length) : c.data.subarray(0, c.length),
    }));
  }
}
