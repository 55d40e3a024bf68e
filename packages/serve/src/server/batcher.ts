import { unavailable } from './http-error.js';
import type { InlineMode, InlineSession } from './inline-session.js';
import type { ModelVersion } from './models.js';
import { concatRows, sliceRows, type TensorData } from './tensor.js';
import type { InferencePool } from './worker-pool.js';

export interface BatchSettings {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  /** Whether small models run on the HTTP thread (default never). */
  inline?: InlineMode;
}

export interface BatchObserver {
  batch(model: ModelVersion, rows: number): void;
  queued(model: ModelVersion, seconds: number): void;
}

interface Pending {
  inputs: TensorData[];
  rows: number;
  enqueued: number;
  deadline: number;
  resolve: (outputs: TensorData[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Dynamic batching for one model version: requests queue while every worker
 * is busy (or up to maxQueueDelayMs), then go out together up to
 * maxBatchSize rows; the outputs are split back per request. With an inline
 * session (a model cheaper to run than to hand to a worker) batches run on this
 * thread, one at a time, and requests queue behind the running one.
 */
export class Batcher {
  private readonly queue: Pending[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private turn: NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly outputs: string[];

  constructor(
    private readonly model: ModelVersion,
    private readonly pool: InferencePool,
    private readonly settings: BatchSettings,
    private readonly observer: BatchObserver,
    private readonly inline?: InlineSession,
  ) {
    this.outputs = model.signature.outputs.map((o) => o.name);
  }

  private get capacity(): number {
    return this.inline ? 1 : this.pool.capacity;
  }

  /** All outputs of the model for these inputs (rows = the first dimension). */
  submit(inputs: TensorData[], rows: number, deadline: number): Promise<TensorData[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ inputs, rows, enqueued: performance.now(), deadline, resolve, reject });
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or running. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts what may start, at the end of this event-loop turn: the requests read in the same turn
   * (one wake-up's worth of sockets) then go out as one batch, not the first alone and the rest
   * behind it; a batch costs a run (or a hop) whatever its size.
   */
  private schedule(): void {
    this.turn ??= setImmediate(() => {
      this.turn = undefined;
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.queue.length > 0 && this.inFlight < this.capacity) {
      const waited = performance.now() - (this.queue[0] as Pending).enqueued;
      const full = this.queuedRows >= this.settings.maxBatchSize || !this.model.batchable;
      if (!full && waited < this.settings.maxQueueDelayMs) {
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.startBatches();
          }, this.settings.maxQueueDelayMs - waited);
        }
        return;
      }
      this.flush();
    }
  }

  private take(): Pending[] {
    const batch: Pending[] = [];
    let rows = 0;
    const now = Date.now();
    while (this.queue.length > 0) {
      const next = this.queue[0] as Pending;
      if (batch.length > 0 && (!this.model.batchable || rows + next.rows > this.settings.maxBatchSize)) break;
      this.queue.shift();
      this.queuedRows -= next.rows;
      if (next.deadline < now) {
        next.reject(unavailable('the request waited past its deadline in the queue; retry later'));
        continue;
      }
      batch.push(next);
      rows += next.rows;
    }
    return batch;
  }

  private flush(): void {
    const batch = this.take();
    if (batch.length === 0) {
      this.notifyIdle();
      return;
    }
    const started = performance.now();
    let rows = 0;
    for (const p of batch) {
      this.observer.queued(this.model, (started - p.enqueued) / 1000);
      rows += p.rows;
    }
    this.observer.batch(this.model, rows);
    this.inFlight++;
    (this.inline ? this.runInline(batch) : this.runOnWorker(batch))
      .then(
        (outputs) => this.split(batch, outputs),
        (err: unknown) => (batch.length === 1 ? (batch[0] as Pending).reject(err) : this.runAlone(batch)),
      )
      .finally(() => {
        this.inFlight--;
        this.schedule();
        this.notifyIdle();
      });
  }

  private concatInputs(batch: readonly Pending[]): TensorData[] {
    const take = (bytes: number) => this.pool.buffers.take(bytes);
    return (batch[0] as Pending).inputs.map((_, i) =>
      concatRows(
        batch.map((p) => p.inputs[i] as TensorData),
        take,
      ),
    );
  }

  private runOnWorker(batch: readonly Pending[]): Promise<TensorData[]> {
    // Even a batch of one is copied into pooled buffers: the request keeps its own inputs (the
    // prediction log reads them), and the copy is cheaper than the allocation it replaces.
    const inputs = this.concatInputs(batch);
    return this.pool.runPooled({ key: this.model.key, inputs, outputs: this.outputs });
  }

  /** On this thread: a lone request's inputs are used as they are; a batch's are joined in pooled memory. */
  private async runInline(batch: readonly Pending[]): Promise<TensorData[]> {
    const inline = this.inline as InlineSession;
    if (batch.length === 1) return inline.run((batch[0] as Pending).inputs, this.outputs);
    const inputs = this.concatInputs(batch);
    try {
      return await inline.run(inputs, this.outputs);
    } finally {
      for (const input of inputs)
        if (!Array.isArray(input.data)) this.pool.buffers.give(input.data.buffer as ArrayBuffer);
    }
  }

  /** A failed batch is retried request by request, so one request onnxruntime rejects fails alone. */
  private async runAlone(batch: readonly Pending[]): Promise<void> {
    for (const p of batch) {
      try {
        p.resolve(
          await (this.inline
            ? this.inline.run(p.inputs, this.outputs)
            : this.pool.run({ key: this.model.key, inputs: p.inputs, outputs: this.outputs })),
        );
      } catch (err) {
        p.reject(err);
      }
    }
  }

  private split(batch: readonly Pending[], outputs: TensorData[]): void {
    if (batch.length === 1) {
      (batch[0] as Pending).resolve(outputs);
      return;
    }
    let start = 0;
    for (const p of batch) {
      p.resolve(outputs.map((o) => sliceRows(o, start, p.rows)));
      start += p.rows;
    }
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
