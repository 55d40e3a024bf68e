import { Worker } from 'node:worker_threads';

/** Control block slots shared with the helper thread. */
const SEQ = 0;
const START = 1;
const END = 2;
const CONTIGUOUS = 3;
const GH_OFFSET = 4;
const DONE = 5;
const STOP = -1;

/**
 * The helper thread: waits for a task, runs the same generated kernel over its
 * rows into its own histogram, signals done. Plain JS so it runs the same from
 * TypeScript sources (tsx, vitest) and from the built package.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { source, matrix, wide, gh, rows, partial, control } = workerData;
const kernel = new Function(source)();
const m = wide ? new Uint16Array(matrix) : new Uint8Array(matrix);
const g = new Float64Array(gh);
const r = new Uint32Array(rows);
const out = new Float64Array(partial);
const c = new Int32Array(control);
let seq = 0;
for (;;) {
  Atomics.wait(c, ${SEQ}, seq);
  seq = Atomics.load(c, ${SEQ});
  if (seq === ${STOP}) break;
  out.fill(0);
  const offset = c[${GH_OFFSET}];
  kernel(out, m, r, c[${START}], c[${END}], c[${CONTIGUOUS}] === 1, offset === 0 ? g : g.subarray(offset));
  Atomics.store(c, ${DONE}, seq);
  Atomics.notify(c, ${DONE});
}
`;

export interface SharedTrainingMemory {
  matrix: Uint8Array | Uint16Array;
  gh: Float64Array;
  rows: Uint32Array;
}

/**
 * A second thread that builds histograms over the second half of a node's
 * rows while the main thread does the first half. Everything it reads lives
 * in SharedArrayBuffers; synchronisation is Atomics wait/notify, so neither
 * side spins.
 */
export class HistogramHelper {
  private readonly worker: Worker;
  private readonly control: Int32Array;
  readonly partial: Float64Array;
  private seq = 0;

  constructor(kernelSource: string, memory: SharedTrainingMemory, histogramSize: number) {
    this.control = new Int32Array(new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT));
    this.partial = new Float64Array(new SharedArrayBuffer(histogramSize * Float64Array.BYTES_PER_ELEMENT));
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        source: kernelSource,
        matrix: memory.matrix.buffer,
        wide: memory.matrix instanceof Uint16Array,
        gh: memory.gh.buffer,
        rows: memory.rows.buffer,
        partial: this.partial.buffer,
        control: this.control.buffer,
      },
    });
    this.worker.unref();
  }

  /** Starts the helper on [start, end) of `gh` (a view into the shared gradients). */
  start(start: number, end: number, contiguous: boolean, gh: Float64Array): void {
    const c = this.control;
    c[START] = start;
    c[END] = end;
    c[CONTIGUOUS] = contiguous ? 1 : 0;
    c[GH_OFFSET] = gh.byteOffset / Float64Array.BYTES_PER_ELEMENT;
    this.seq = this.seq === 0x7fffffff ? 1 : this.seq + 1;
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ);
  }

  /** Blocks until the helper has filled `partial`. */
  finish(): void {
    const c = this.control;
    for (let done = Atomics.load(c, DONE); done !== this.seq; done = Atomics.load(c, DONE)) {
      Atomics.wait(c, DONE, done);
    }
  }

  async close(): Promise<void> {
    Atomics.store(this.control, SEQ, STOP);
    Atomics.notify(this.control, SEQ);
    await this.worker.terminate();
  }
}
