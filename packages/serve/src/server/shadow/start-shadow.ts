import type { ServerMetrics } from '../metrics.js';
import type { ModelHost } from '../model-host.js';
import type { ServeSettings } from '../options.js';
import { withProductionRole } from './production-role.js';
import { ShadowRunner } from './shadow-runner.js';

/**
 * With `--shadow`, loads the shadow against the first `--model` as the host loaded it, and marks the
 * prediction log's entries from then on as the production's. Without, nothing.
 */
export async function startShadow(
  settings: ServeSettings,
  host: ModelHost,
  metrics: ServerMetrics,
): Promise<ShadowRunner | undefined> {
  if (!settings.shadow) return undefined;
  const first = settings.models[0];
  const production = host.generation?.models.find((m) => m.ref === first);
  if (!production) throw new Error(`--shadow: the first --model ${first} is not loaded`);
  const runner = await ShadowRunner.start(settings, production, metrics, settings.predictionLog);
  if (settings.predictionLog) settings.predictionLog = withProductionRole(settings.predictionLog);
  return runner;
}
