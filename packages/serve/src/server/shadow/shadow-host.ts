import { errorMessage } from '@modelgate/core';
import type { PredictionSink } from '../../prediction-log/types.js';
import type { ServerMetrics } from '../metrics.js';
import type { ModelHost } from '../model-host.js';
import { type ModelVersion, resolveModelRef } from '../models.js';
import type { ServeSettings } from '../options.js';
import type { TensorData } from '../tensor.js';
import { ShadowMetrics } from './metrics.js';
import { withProductionRole } from './production-role.js';
import { ShadowRunner } from './shadow-runner.js';

/** The first `--model` as the host serves it now: what the shadow is compared with. */
function production(settings: ServeSettings, host: ModelHost): ModelVersion {
  const first = settings.models[0];
  const model = host.generation?.models.find((m) => m.ref === first);
  if (!model) throw new Error(`--shadow: the first --model ${first} is not loaded`);
  return model;
}

/**
 * `--shadow`: the shadow runner the server offers its answered requests to, and the one that
 * follows the `--shadow` reference on reload (SIGHUP, `--poll-interval-ms`): a promotion to the
 * shadowed stage swaps the new version in, as `--model` references are swapped.
 */
export class ShadowHost {
  private reloading: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private runner: ShadowRunner,
    private readonly settings: ServeSettings,
    private readonly host: ModelHost,
    private readonly metrics: ShadowMetrics,
    private readonly sink: PredictionSink | undefined,
  ) {}

  /**
   * With `--shadow`, loads the shadow against the first `--model` as the host loaded it, and marks
   * the prediction log's entries from then on as the production's. Without, nothing.
   */
  static async start(
    settings: ServeSettings,
    host: ModelHost,
    serverMetrics: ServerMetrics,
  ): Promise<ShadowHost | undefined> {
    if (!settings.shadow) return undefined;
    const sink = settings.predictionLog;
    const metrics = new ShadowMetrics(serverMetrics.registry);
    const runner = await ShadowRunner.start(settings, production(settings, host), metrics, sink);
    if (sink) settings.predictionLog = withProductionRole(sink);
    return new ShadowHost(runner, settings, host, metrics, sink);
  }

  offer(
    answeredBy: ModelVersion,
    inputs: readonly TensorData[],
    rows: number,
    requestId: string,
    answered: Date,
  ): void {
    this.runner.offer(answeredBy, inputs, rows, requestId, answered);
  }

  /**
   * Re-resolves `--shadow`. A moved reference loads the new version, checked against the production
   * served now, swaps it in and lets the old one finish its queue. One that cannot load leaves the
   * old one shadowing, and says why (`shadow-load-failed`). Never throws.
   */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.swapIfMoved());
    return this.reloading;
  }

  private async swapIfMoved(): Promise<void> {
    const shadow = this.settings.shadow;
    if (this.closed || !shadow) return;
    const log = this.settings.log;
    try {
      const at = await resolveModelRef(this.settings.registry, shadow.model);
      const current = this.runner.model;
      if (at.name === current.name && at.version === current.version) return;
      const next = await ShadowRunner.start(
        this.settings,
        production(this.settings, this.host),
        this.metrics,
        this.sink,
      );
      if (this.closed) {
        await next.close();
        return;
      }
      const old = this.runner;
      this.runner = next;
      log({ level: 'info', event: 'shadow-swapped', from: old.model.key, to: next.model.key });
      await old.close();
    } catch (err) {
      log({ level: 'error', event: 'shadow-load-failed', shadow: shadow.model, error: errorMessage(err) });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reloading;
    await this.runner.close();
  }
}
