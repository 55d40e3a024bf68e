import type { ExecutionProvider } from '@modelgate/runtime';
import { Batcher, type BatchObserver, type BatchSettings } from './batcher.js';
import { type InlineChoice, InlineSession } from './inline-session.js';
import { type ModelVersion, warmupInputs } from './models.js';
import { InferencePool } from './worker-pool.js';

/**
 * The models served at one time with their worker pool. A reload builds a new
 * generation beside the old one and swaps it in; the old one drains and closes.
 */
export class Generation {
  private readonly batchers = new Map<string, Batcher>();

  private constructor(
    readonly models: readonly ModelVersion[],
    private readonly pool: InferencePool,
    settings: BatchSettings,
    observer: BatchObserver,
    private readonly inline: ReadonlyMap<string, InlineSession>,
    /** Per model key: whether its batches run on the HTTP thread, and the timings that decided it. */
    readonly inlineChoices: ReadonlyMap<string, InlineChoice>,
  ) {
    for (const model of models) {
      this.batchers.set(model.key, new Batcher(model, pool, settings, observer, inline.get(model.key)));
    }
  }

  static async start(
    models: readonly ModelVersion[],
    workers: number,
    settings: BatchSettings,
    observer: BatchObserver,
    provider: ExecutionProvider = 'cpu',
    /** Choices measured by earlier generations, by model sha256: an unchanged model is not re-timed. */
    measured: Map<string, InlineChoice> = new Map(),
  ): Promise<Generation> {
    const pool = await InferencePool.start(models, workers, provider);
    const inline = new Map<string, InlineSession>();
    const choices = new Map<string, InlineChoice>();
    try {
      // Only on the CPU: a CUDA session's runs are not the HTTP thread's to make.
      const mode = provider === 'cpu' ? (settings.inline ?? 'never') : 'never';
      for (const model of models) {
        const opened = await InlineSession.open(
          model,
          pool,
          settings.maxBatchSize,
          mode,
          warmupInputs(model),
          measured.get(model.sha256),
        );
        if (mode === 'auto') measured.set(model.sha256, opened.choice);
        choices.set(model.key, opened.choice);
        if (opened.session) inline.set(model.key, opened.session);
      }
    } catch (err) {
      await Promise.all([...inline.values()].map((s) => s.release()));
      await pool.close();
      throw err;
    }
    return new Generation(models, pool, settings, observer, inline, choices);
  }

  /** The version a route names: the first one loaded for the name when no version is given. */
  find(name: string, version?: string): ModelVersion | undefined {
    return this.models.find((m) => m.name === name && (version === undefined || m.version === version));
  }

  batcher(model: ModelVersion): Batcher {
    return this.batchers.get(model.key) as Batcher;
  }

  /** The versions every reference resolves to, for comparing generations. */
  get keys(): string {
    return this.models.map((m) => `${m.ref}=${m.key}`).join(',');
  }

  /** Waits for queued and running batches, then stops the workers. */
  async retire(): Promise<void> {
    await Promise.all([...this.batchers.values()].map((b) => b.drained()));
    await Promise.all([...this.inline.values()].map((s) => s.release()));
    await this.pool.close();
  }
}
