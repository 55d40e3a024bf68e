import perfHooks from 'node:perf_hooks';
import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's default metrics, stoppable: they start an event-loop delay
 * histogram (sampling every 10 ms) and a GC observer that prom-client never
 * ends, so each closed server would leave both running. The two are caught
 * as collectDefaultMetrics creates them (it looks both up on perf_hooks at
 * call time, synchronously) and the returned function ends them.
 */
export function startDefaultMetrics(registry: Registry, prefix: string): () => void {
  const histograms: { disable(): boolean }[] = [];
  const observers: { disconnect(): void }[] = [];
  const original = { monitor: perfHooks.monitorEventLoopDelay, Observer: perfHooks.PerformanceObserver };
  const hooks = perfHooks as { -readonly [K in keyof typeof perfHooks]: (typeof perfHooks)[K] };
  hooks.monitorEventLoopDelay = (options) => {
    const histogram = original.monitor(options);
    histograms.push(histogram);
    return histogram;
  };
  hooks.PerformanceObserver = class extends original.Observer {
    constructor(callback: ConstructorParameters<typeof original.Observer>[0]) {
      super(callback);
      observers.push(this);
    }
  };
  try {
    collectDefaultMetrics({ register: registry, prefix });
  } finally {
    hooks.monitorEventLoopDelay = original.monitor;
    hooks.PerformanceObserver = original.Observer;
  }
  return () => {
    for (const h of histograms.splice(0)) h.disable();
    for (const o of observers.splice(0)) o.disconnect();
  };
}
