import type { ExecutionProvider } from '@modelgate/runtime';
import { Batcher, type BatchObserver, type BatchSettings } from './batcher.js';
import type { ModelVersion } from './models.js';
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
  ) {
    for (const model of models) this.batchers.set(model.key, new Batcher(model, pool, settings, observer));
  }

  static async start(
    models: readonly ModelVersion[],
    workers: number,
    settings: BatchSettings,
    observer: BatchObserver,
    provider: ExecutionProvider = 'cpu',
  ): Promise<Generation> {
    const pool = await InferencePool.start(models, workers, provider);
    return new Generation(models, pool, settings, observer);
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
    await this.pool.close();
  }
}
