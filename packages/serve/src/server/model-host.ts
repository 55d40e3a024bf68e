import { errorMessage } from '@modelgate/core';
import { Generation } from './generation.js';
import type { InlineChoice } from './inline-session.js';
import type { ServerMetrics } from './metrics.js';
import {
  loadModelVersion,
  type ModelVersion,
  noSpecWarning,
  type ResolvedRef,
  resolveModelRef,
} from './models.js';
import type { ServeSettings } from './options.js';

/**
 * Holds the generation being served and swaps in a new one when a reference
 * (e.g. `name#production`) points at another version. Requests already
 * queued in the old generation finish there before its workers stop.
 */
export class ModelHost {
  private current: Generation | undefined;
  private readonly retiring = new Set<Promise<void>>();
  private reloading: Promise<void> = Promise.resolve();
  constructor(
    private readonly settings: ServeSettings,
    private readonly metrics: ServerMetrics,
    /** `--inline auto`'s choice per model sha256, kept across reloads so it is timed once. */
    private readonly inlineChoices = new Map<string, InlineChoice>(),
  ) {}

  get generation(): Generation | undefined {
    return this.current;
  }

  private async resolveAll(): Promise<ResolvedRef[]> {
    return Promise.all(this.settings.models.map((ref) => resolveModelRef(this.settings.registry, ref)));
  }

  private async load(resolved: readonly ResolvedRef[]): Promise<ModelVersion[]> {
    const reuse = new Map((this.current?.models ?? []).map((m) => [m.key, m]));
    const models = new Map<string, ModelVersion>();
    for (const at of resolved) {
      const key = `${at.name}@${at.version}`;
      if (models.has(key)) continue;
      const known = reuse.get(key);
      if (known && !at.file) {
        models.set(key, { ...known, ref: at.ref });
        continue;
      }
      const model = await loadModelVersion(this.settings.registry, at, this.settings.specFlags);
      if (!model.spec) {
        this.settings.log({
          level: 'warn',
          event: 'no-spec',
          model: model.key,
          message: noSpecWarning(model),
        });
      }
      models.set(key, model);
    }
    return [...models.values()];
  }

  /** Loads and warms every model; throws (a UserError for bad references or models) when one cannot. */
  async start(): Promise<void> {
    await this.swap(await this.resolveAll());
  }

  /** Re-resolves; a changed version set is loaded beside the old one, then swapped in. Serialized. */
  reload(): Promise<void> {
    const next = this.reloading.then(async () => {
      const resolved = await this.resolveAll();
      const keys = resolved.map((r) => `${r.ref}=${r.name}@${r.version}`).join(',');
      if (this.current && keys === this.current.keys) return;
      await this.swap(resolved);
    });
    this.reloading = next.catch(() => {});
    return next;
  }

  private async swap(resolved: readonly ResolvedRef[]): Promise<void> {
    const started = performance.now();
    let generation: Generation;
    try {
      const models = await this.load(resolved);
      generation = await Generation.start(
        models,
        this.settings.workers,
        {
          maxBatchSize: this.settings.maxBatchSize,
          maxQueueDelayMs: this.settings.maxQueueDelayMs,
          inline: this.settings.inline,
        },
        this.metrics,
        this.settings.provider,
        this.inlineChoices,
      );
    } catch (err) {
      this.metrics.reloads.inc({ outcome: 'failed' });
      this.settings.log({ level: 'error', event: 'load-failed', error: errorMessage(err) });
      throw err;
    }
    const seconds = (performance.now() - started) / 1000;
    const old = this.current;
    this.current = generation;
    this.metrics.loaded.reset();
    for (const m of generation.models) {
      this.metrics.loaded.set({ model: m.name, version: m.version }, 1);
      this.metrics.loadTime.set({ model: m.name, version: m.version }, m.loadSeconds + seconds);
    }
    this.metrics.reloads.inc({ outcome: old ? 'swapped' : 'initial' });
    this.settings.log({
      level: 'info',
      event: old ? 'reloaded' : 'loaded',
      models: generation.models.map((m) => ({
        ref: m.ref,
        name: m.name,
        version: m.version,
        sha256: m.sha256,
      })),
      seconds,
    });
    for (const [model, choice] of generation.inlineChoices) {
      this.settings.log({ level: 'info', event: 'inference-thread', model, ...choice });
    }
    if (old) this.retire(old);
  }

  private retire(old: Generation): void {
    const done = old
      .retire()
      .then(() =>
        this.settings.log({ level: 'info', event: 'retired', models: old.models.map((m) => m.key) }),
      )
      .catch((err: unknown) =>
        this.settings.log({ level: 'warn', event: 'retire-failed', error: errorMessage(err) }),
      )
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  /** Drains and stops every generation. */
  async close(): Promise<void> {
    await this.reloading;
    const current = this.current;
    this.current = undefined;
    if (current) this.retire(current);
    await Promise.all([...this.retiring]);
  }
}
