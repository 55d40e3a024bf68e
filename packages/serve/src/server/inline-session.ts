import type { ModelVersion } from './models.js';
import { feeds, servingSessionOptions, toTensorData } from './onnx-session.js';
import { openServingSession, type ServingSession } from './sync-session.js';
import { concatRows, type TensorData } from './tensor.js';
import type { InferencePool } from './worker-pool.js';

/** `--inline`: auto measures each model; always and never force the choice (tests, debugging). */
export type InlineMode = 'auto' | 'always' | 'never';
export const INLINE_MODES: readonly InlineMode[] = ['auto', 'always', 'never'];

/** A model this large never runs a batch faster than the hop, and a second copy would cost memory. */
const MAX_INLINE_BYTES = 16 * 1024 * 1024;
const TIMED_RUNS = 25;

/** What the choice was based on, for the `inference-thread` log line. */
export interface InlineChoice {
  inline: boolean;
  /** Median µs of a full batch on the HTTP thread, and of the worker round trip less the run. */
  runMicros?: number;
  hopMicros?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function timed(times: number, work: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await work();
    out.push((performance.now() - start) * 1000);
  }
  return out;
}

/**
 * A session on the HTTP thread, for a model whose batches run in less time
 * than handing them to a worker and back costs: for a small tabular model the
 * hop (structured clone, message ports, wake-ups on both threads) is most of
 * a request's inference time. onnxruntime-node runs a session on the calling
 * thread, so an inline batch holds the event loop for its run: only models
 * measured to run a full batch faster than the hop are served this way.
 */
export class InlineSession {
  private constructor(private readonly session: ServingSession) {}

  /**
   * The inline session for a model, or none. `auto` times a batch of `batchRows` warm-up rows
   * here and through the pool, and keeps the session when the run is cheaper than the hop.
   */
  static async open(
    model: ModelVersion,
    pool: InferencePool,
    batchRows: number,
    mode: InlineMode,
    warmup: TensorData[],
    /** `auto`'s earlier choice for this very model (same sha256): kept, not timed again. */
    known?: InlineChoice,
  ): Promise<{ session?: InlineSession; choice: InlineChoice }> {
    if (mode === 'never' || (mode === 'auto' && model.bytes.length > MAX_INLINE_BYTES)) {
      return { choice: { inline: false } };
    }
    if (mode === 'auto' && known && !known.inline) return { choice: known };
    const inline = new InlineSession(
      await openServingSession(model.bytes, servingSessionOptions(1, 'cpu'), 'cpu'),
    );
    const outputs = model.signature.outputs.map((o) => o.name);
    const rows = model.batchable ? batchRows : 1;
    const batch = warmup.map((input) =>
      concatRows(
        Array.from({ length: rows }, () => input),
        (bytes) => new ArrayBuffer(bytes),
      ),
    );
    await inline.run(batch, outputs);
    if (mode === 'always') return { session: inline, choice: { inline: true } };
    if (known) return { session: inline, choice: known };
    await pool.run({ key: model.key, inputs: batch, outputs });
    const runMicros = median(await timed(TIMED_RUNS, () => inline.run(batch, outputs)));
    const roundTrip = median(
      await timed(TIMED_RUNS, () => pool.run({ key: model.key, inputs: batch, outputs })),
    );
    const hopMicros = Math.max(0, roundTrip - runMicros);
    const choice = { inline: runMicros < hopMicros, runMicros, hopMicros };
    if (choice.inline) return { session: inline, choice };
    await inline.release();
    return { choice };
  }

  async run(inputs: readonly TensorData[], outputs: readonly string[]): Promise<TensorData[]> {
    const results = await this.session.run(feeds(inputs), outputs);
    return outputs.map((name) => toTensorData(name, results[name] as never));
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
