import { Worker } from 'node:worker_threads';

/** Control block slots shared with the helper thread. */
const SEQ = 0;
const TASK = 1;
const START = 2;
const END = 3;
const FLAG = 4;
const ARG = 5;
const DONE = 6;
const RESULT = 7;
const FAILED = 8;
const STOP = -1;

const HISTOGRAM = 1;
const PARTITION = 2;

/** Waiting longer than this for the helper means it is gone; fail rather than hang. */
const WAIT_LIMIT_MS = 120_000;

/**
 * The helper thread, in plain JS so it runs the same from TypeScript sources
 * (tsx, vitest) and from the built package. It waits for a task, runs it over
 * its rows, signals done:
 * - histogram: the generated kernel over [start, end) into its own histogram;
 * - partition: the stable partition of rows[start, end) by the shared
 *   goes-left table, lefts in place, rights into scratch at the same offsets.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { source, matrix, wide, features, gh, rows, scratch, goesLeft, partial, control } = workerData;
const kernel = new Function(source)();
const m = wide ? new Uint16Array(matrix) : new Uint8Array(matrix);
const g = new Float64Array(gh);
const r = new Uint32Array(rows);
const s = new Uint32Array(scratch);
const goes = new Uint8Array(goesLeft);
const out = new Float64Array(partial);
const c = new Int32Array(control);
function partition(start, end, f) {
  let l = start;
  let k = start;
  for (let j = start; j < end; j++) {
    const row = r[j];
    if (goes[m[row * features + f]] === 1) r[l++] = row;
    else s[k++] = row;
  }
  return l - start;
}
let seq = 0;
for (;;) {
  Atomics.wait(c, ${SEQ}, seq);
  seq = Atomics.load(c, ${SEQ});
  if (seq === ${STOP}) break;
  try {
    if (c[${TASK}] === ${HISTOGRAM}) {
      out.fill(0);
      const offset = c[${ARG}];
      kernel(out, m, r, c[${START}], c[${END}], c[${FLAG}] === 1, offset === 0 ? g : g.subarray(offset));
    } else {
      c[${RESULT}] = partition(c[${START}], c[${END}], c[${ARG}]);
    }
  } catch (err) {
    c[${FAILED}] = 1;
  }
  Atomics.store(c, ${DONE}, seq);
  Atomics.notify(c, ${DONE});
}
`;

/** Training memory the helper reads and writes; every array must sit on a SharedArrayBuffer. */
export interface SharedTrainingMemory {
  /** Row-major bins. */
  matrix: Uint8Array | Uint16Array;
  features: number;
  /** Interleaved gradient/hessian pairs of every output. */
  gh: Float64Array;
  rows: Uint32Array;
  scratch: Uint32Array;
}

/**
 * A second thread that takes the second half of a large node's histogram or
 * partition while the main thread does the first half. Synchronisation is
 * Atomics wait/notify, so neither side spins.
 */
export class HelperThread {
  private readonly worker: Worker;
  private readonly control: Int32Array;
  readonly partial: Float64Array;
  /** The current split's goes-left table, by bin. */
  readonly goesLeft: Uint8Array;
  private seq = 0;

  constructor(
    kernelSource: string,
    memory: SharedTrainingMemory,
    histogramSize: number,
    slotsPerFeature: number,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(16 * Int32Array.BYTES_PER_ELEMENT));
    this.partial = new Float64Array(new SharedArrayBuffer(histogramSize * Float64Array.BYTES_PER_ELEMENT));
    this.goesLeft = new Uint8Array(new SharedArrayBuffer(slotsPerFeature));
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        source: kernelSource,
        matrix: memory.matrix.buffer,
        wide: memory.matrix instanceof Uint16Array,
        features: memory.features,
        gh: memory.gh.buffer,
        rows: memory.rows.buffer,
        scratch: memory.scratch.buffer,
        goesLeft: this.goesLeft.buffer,
        partial: this.partial.buffer,
        control: this.control.buffer,
      },
    });
    this.worker.unref();
  }

  /** Starts a histogram of rows [start, end) into `partial`; `gh` is a view into the shared pairs. */
  startHistogram(start: number, end: number, contiguous: boolean, gh: Float64Array): void {
    this.post(HISTOGRAM, start, end, contiguous ? 1 : 0, gh.byteOffset / Float64Array.BYTES_PER_ELEMENT);
  }

  /** Starts partitioning rows [start, end) on `feature` by the table in `goesLeft`. */
  startPartition(start: number, end: number, feature: number): void {
    this.post(PARTITION, start, end, 0, feature);
  }

  /** Blocks until the helper is done; returns its result (a partition's left count). */
  finish(): number {
    const c = this.control;
    const started = Date.now();
    for (let done = Atomics.load(c, DONE); done !== this.seq; done = Atomics.load(c, DONE)) {
      if (Atomics.wait(c, DONE, done, 1000) === 'timed-out' && Date.now() - started > WAIT_LIMIT_MS) {
        throw new Error('gbdt: the histogram helper thread stopped answering');
      }
    }
    if (c[FAILED] === 1) throw new Error('gbdt: the histogram helper thread failed');
    return c[RESULT] as number;
  }

  async close(): Promise<void> {
    Atomics.store(this.control, SEQ, STOP);
    Atomics.notify(this.control, SEQ);
    await this.worker.terminate();
  }

  private post(task: number, start: number, end: number, flag: number, arg: number): void {
    const c = this.control;
    c[TASK] = task;
    c[START] = start;
    c[END] = end;
    c[FLAG] = flag;
    c[ARG] = arg;
    this.seq = this.seq === 0x7fffffff ? 1 : this.seq + 1;
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ);
  }
}
