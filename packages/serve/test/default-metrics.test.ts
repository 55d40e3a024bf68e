import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startDefaultMetrics } from '../src/server/default-metrics.js';

async function lagMin(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('t_nodejs_eventloop_lag_min_seconds')?.get();
  return metric?.values[0]?.value ?? Number.NaN;
}

describe("prom-client's default metrics", () => {
  it('sample the event loop until stopped, and not after', async () => {
    const registry = new Registry();
    const stop = startDefaultMetrics(registry, 't_');
    expect(await registry.metrics()).toContain('t_process_cpu_user_seconds_total');
    await registry.metrics(); // collecting resets the delay histogram
    await sleep(60);
    await registry.metrics();
    const sampling = await lagMin(registry);
    expect(sampling).toBeLessThan(1);

    stop();
    await registry.metrics();
    await sleep(60);
    await registry.metrics();
    // A disabled histogram records nothing: its minimum stays at the empty value (2^63 ns).
    expect(await lagMin(registry)).toBeGreaterThan(1e9);
  });
});
