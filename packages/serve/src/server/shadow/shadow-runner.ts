import { errorMessage, UserError } from '@modelgate/core';
import { createSampler } from '../../prediction-log/sampling.js';
import type { PredictionSink } from '../../prediction-log/types.js';
import { loadModelVersion, type ModelVersion, resolveModelRef } from '../models.js';
import type { ServeSettings } from '../options.js';
import { predictionEntry } from '../prediction-entry.js';
import { servedOutputs } from '../served-outputs.js';
import { rowsOf, type TensorData } from '../tensor.js';
import { BusyGuard } from './busy-guard.js';
import { CopyBatch } from './copy-batch.js';
import { FaultLog } from './fault-log.js';
import type { ShadowMetrics } from './metrics.js';
import { type ShadowSettings, shadowSettings } from './options.js';
import { ShadowProcess } from './shadow-process.js';
import type { ShadowResult } from './shadow-scoring.js';
import { signatureDifference } from './signature.js';

const TIMED_OUT = Symbol('timed out');

/** How copies gather into batches, and how much may wait (constants; an object so tests can shrink them). */
export const SHADOW_LIMITS = {
  /**
   * How long copies gather before they go to the shadow's process together. Each hand-over and its
   * result cost the HTTP thread more than the copies in it (measured: about 20 µs per copy with 40
   * a batch, under 10 with 500), so batches are made large: the shadow is compared later, not now.
   */
  batchWindowMs: 250,
  /** A batch goes earlier once it holds this many rows, or this many bytes of inputs. */
  maxBatchRows: 4096,
  maxBatchBytes: 1 << 20,
  /** Copies waiting or running hold at most this many bytes of inputs; more are dropped (queue_full). */
  maxQueuedBytes: 64 << 20,
};

/** The rows a new batch makes room for at first (its arrays grow). */
const FIRST_BATCH_ROWS = 64;

interface Offered {
  rows: number;
  requestId: string;
  answered: Date;
  /** Whether the prediction log keeps its rows: asked once, at offer(), so a retry asks no more. */
  log: boolean;
}

/**
 * `serve --shadow`: the shadow model in workers of its own, fed a sampled copy of the requests the
 * production answered. offer() returns at once and never throws: the answer is never delayed or failed.
 */
export class ShadowRunner {
  private readonly sample: (requestId: string) => boolean;
  private readonly faults: FaultLog;
  private readonly busy: BusyGuard;
  private pending = 0;
  /** Bytes of inputs in the batches sealed or running (the gathering one's are its own). */
  private sentBytes = 0;
  /** Copies gathering for the next batch, and their inputs. */
  private waiting: Offered[] = [];
  private batch: CopyBatch;
  /** Batches closed before their window ended (full, one copy each, other shapes), waiting to go. */
  private sealed: { copies: Offered[]; inputs: TensorData[]; bytes: number }[] = [];
  private window: NodeJS.Timeout | undefined;
  /** The window ends on the next turn of the event loop. */
  private now = false;
  private closing = false;
  private drainWaiters: (() => void)[] = [];
  /** Takes this shadow's queue out of the queued gauge. */
  private readonly uncount: () => void;

  private constructor(
    private readonly settings: ShadowSettings,
    /** The first `--model`: the requests answered for its reference are shadowed, across reloads. */
    private readonly production: Pick<ModelVersion, 'name' | 'ref'>,
    readonly model: ModelVersion,
    private readonly pool: ShadowProcess,
    private readonly metrics: ShadowMetrics,
    private readonly sink: PredictionSink | undefined,
    log: (line: object) => void,
  ) {
    this.sample = createSampler(settings.rate, 0);
    this.faults = new FaultLog(log);
    this.busy = new BusyGuard(settings.maxLoad);
    this.batch = new CopyBatch(FIRST_BATCH_ROWS);
    this.uncount = metrics.countQueue(() => this.pending);
  }

  /**
   * Loads the shadow and checks it takes the production's inputs and answers in its form; a UserError
   * naming the difference when not. `production` is the loaded first `--model`.
   */
  static async start(
    serve: ServeSettings,
    production: ModelVersion,
    metrics: ShadowMetrics,
    sink: PredictionSink | undefined,
  ): Promise<ShadowRunner> {
    if (!serve.shadow) throw new Error('ShadowRunner.start: no --shadow given');
    const settings = shadowSettings(serve.shadow);
    // The loader names the flag it serves, --model; here the reference came from --shadow.
    const asShadow = (err: unknown) => {
      if (!(err instanceof UserError)) throw err;
      const message = err.message.startsWith('--model ')
        ? `--shadow ${err.message.slice('--model '.length)}`
        : `--shadow ${settings.model}: ${err.message}`;
      throw new UserError(message);
    };
    const at = await resolveModelRef(serve.registry, settings.model).catch(asShadow);
    const model = await loadModelVersion(serve.registry, at, serve.specFlags).catch(asShadow);
    const difference = signatureDifference(production, model);
    if (difference) {
      throw new UserError(
        `--shadow ${settings.model} (${model.key}) cannot shadow --model ${production.ref} (${production.key}): ${difference}`,
      );
    }
    const pool = await ShadowProcess.start(
      model,
      settings.workers,
      serve.provider,
      serve.log,
      sink?.shadowLinesFiles,
    ).catch((err: unknown) => {
      throw new UserError(
        `--shadow ${settings.model}: the model did not load and warm up: ${errorMessage(err)}`,
      );
    });
    serve.log({
      level: 'info',
      event: 'shadow-loaded',
      shadow: { ref: model.ref, name: model.name, version: model.version, sha256: model.sha256 },
      production: production.name,
      rate: settings.rate,
    });
    return new ShadowRunner(
      settings,
      { name: production.name, ref: production.ref },
      model,
      pool,
      metrics,
      sink,
      serve.log,
    );
  }

  /** Queues a copy of an answered request for the shadow when it is sampled and there is room. */
  offer(
    answeredBy: ModelVersion,
    inputs: readonly TensorData[],
    rows: number,
    requestId: string,
    answered: Date,
  ): void {
    try {
      if (answeredBy.ref !== this.production.ref || !this.sample(requestId)) return;
      if (this.closing) {
        this.metrics.dropped.inc({ reason: 'closing' });
        return;
      }
      if (this.busy.isBusy()) {
        this.metrics.dropped.inc({ reason: 'busy' });
        return;
      }
      if (
        this.pending >= this.settings.maxQueue ||
        this.sentBytes + this.batch.bytes >= SHADOW_LIMITS.maxQueuedBytes
      ) {
        this.metrics.dropped.inc({ reason: 'queue_full' });
        return;
      }
      this.pending++;
      // A model that cannot batch scores each copy alone; a copy of other shapes starts a batch of its own.
      if (!this.model.batchable) this.seal();
      // Copied now: the request's buffers are reused once it is answered.
      if (!this.batch.append(inputs, rows)) {
        this.seal();
        this.batch.append(inputs, rows);
      }
      const log = this.sink !== undefined && (this.sink.accepts?.(requestId) ?? true);
      this.waiting.push({ rows, requestId, answered, log });
      // Sent later, in batches: a hand-over to the shadow's process costs the HTTP thread more than
      // the copies in it, so copies gather for a window (SHADOW_LIMITS; never on a request's time).
      this.schedule(
        !this.model.batchable ||
          this.sealed.length > 0 ||
          this.batch.rows >= SHADOW_LIMITS.maxBatchRows ||
          this.batch.bytes >= SHADOW_LIMITS.maxBatchBytes,
      );
    } catch (err) {
      this.faults.report({ event: 'shadow-failed', model: this.model.key, error: errorMessage(err) });
    }
  }

  /** Closes the gathering batch: it goes with the next dispatch. */
  private seal(): void {
    if (this.waiting.length > 0) {
      this.sealed.push({ copies: this.waiting, inputs: this.batch.tensors(), bytes: this.batch.bytes });
      this.sentBytes += this.batch.bytes;
    }
    this.waiting = [];
    this.batch = new CopyBatch(FIRST_BATCH_ROWS);
  }

  /** Ends the window after SHADOW_LIMITS.batchWindowMs, or on the next turn when `now`; one timer at a time. */
  private schedule(now: boolean): void {
    if (this.window && (this.now || !now)) return;
    clearTimeout(this.window);
    this.now = now;
    this.window = setTimeout(() => this.dispatch(), now ? 0 : SHADOW_LIMITS.batchWindowMs);
  }

  private dispatch(): void {
    clearTimeout(this.window);
    this.window = undefined;
    this.now = false;
    this.seal();
    const batches = this.sealed;
    this.sealed = [];
    for (const { copies, inputs, bytes } of batches) {
      void this.run(copies, inputs).finally(() => this.settle(copies.length, bytes));
    }
  }

  /**
   * Scores a batch of copies in the shadow's process, which also checks each copy's outputs and, when
   * the log takes ready lines, writes the logged ones' lines. A failed batch of several is retried
   * copy by copy, so one bad copy fails alone.
   */
  private async run(copies: readonly Offered[], inputs: TensorData[]): Promise<void> {
    const sink = this.sink;
    // Lines, not entries: appended by the shadow's process itself where the log allows, else handed to the sink.
    const lines = sink?.shadowLinesFiles !== undefined || sink?.recordShadowLines !== undefined;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.settings.timeoutMs);
    });
    const scoring = this.pool.result({
      key: this.model.key,
      inputs,
      outputs: this.model.signature.outputs.map((o) => o.name),
      shadow: {
        shadowOf: this.production.name,
        copies: copies.map((c) => ({
          requestId: c.requestId,
          answeredMs: c.answered.getTime(),
          rows: c.rows,
          log: c.log,
        })),
        sentAt: performance.timeOrigin + started,
        lines,
      },
    });
    let result: Awaited<typeof scoring> | typeof TIMED_OUT;
    try {
      result = await Promise.race([scoring, timeout]);
    } catch (err) {
      if (copies.length > 1) {
        let offset = 0;
        for (const copy of copies) {
          await this.run([copy], rowsOf(inputs, offset, copy.rows));
          offset += copy.rows;
        }
      } else {
        this.failed(1, 'shadow-failed', errorMessage(err));
      }
      return;
    } finally {
      clearTimeout(timer);
    }
    if (result === TIMED_OUT) {
      this.failed(copies.length, 'shadow-timeout', `not scored within ${this.settings.timeoutMs} ms`);
      // The slots stay taken until the work ends, so a hung shadow cannot queue without bound.
      await scoring.catch(() => {});
      return;
    }
    const checked = result.shadow as ShadowResult;
    // The metrics' series for this version, looked up once per batch rather than once per copy.
    const labels = { model: this.model.name, version: this.model.version };
    const latency = this.metrics.latency.labels(labels);
    let scored = 0;
    let offset = 0;
    copies.forEach((copy, i) => {
      const error = checked.errors[i];
      if (error) {
        this.failed(1, 'shadow-failed', error);
      } else {
        scored++;
        latency.observe(checked.latencyMs / 1000);
        if (!lines && copy.log) this.record(copy, inputs, result.outputs, offset, checked.latencyMs);
      }
      offset += copy.rows;
    });
    if (scored > 0) this.metrics.requests.inc({ ...labels, outcome: 'scored' }, scored);
    for (const group of checked.lines) this.recordLines(group);
    if (checked.logError) {
      this.faults.report({ event: 'prediction-log-failed', model: this.model.key, error: checked.logError });
    }
  }

  private failed(count: number, event: 'shadow-failed' | 'shadow-timeout', error: string): void {
    const outcome = event === 'shadow-timeout' ? 'timeout' : 'failed';
    this.metrics.requests.inc({ model: this.model.name, version: this.model.version, outcome }, count);
    this.faults.report({ event, model: this.model.key, error });
  }

  private recordLines(group: ShadowResult['lines'][number]): void {
    try {
      this.sink?.recordShadowLines?.(group);
    } catch (err) {
      this.faults.report({ event: 'prediction-log-failed', model: this.model.key, error: errorMessage(err) });
    }
  }

  /** For a sink that takes entries only: the copy's rows of the batch's outputs, logged from here. */
  private record(
    copy: Offered,
    inputs: readonly TensorData[],
    batch: readonly TensorData[],
    offset: number,
    latencyMs: number,
  ): void {
    const sink = this.sink;
    if (!sink) return;
    try {
      const raw = rowsOf(batch, offset, copy.rows);
      const own = rowsOf(inputs, offset, copy.rows);
      const outputs = servedOutputs(this.model, own, raw, copy.rows);
      sink.record({
        ...predictionEntry(this.model, copy.requestId, own, outputs, copy.rows),
        // The production answer's time, so both rows of a request fall in the same hour's files.
        time: copy.answered,
        role: 'shadow',
        shadowOf: this.production.name,
        latencyMs,
      });
    } catch (err) {
      this.faults.report({ event: 'prediction-log-failed', model: this.model.key, error: errorMessage(err) });
    }
  }

  private settle(count: number, bytes: number): void {
    this.pending -= count;
    this.sentBytes -= bytes;
    if (this.pending > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Takes no more work, waits for queued work (at most the timeout), then stops the workers. */
  async close(): Promise<void> {
    this.closing = true;
    // The gathering copies go now rather than at the end of their window.
    if (this.window) this.dispatch();
    if (this.pending > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.drainWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.settings.timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.pool.close();
    this.uncount();
  }
}
