import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** How a shadow request ended. */
export type ShadowOutcome = 'scored' | 'failed' | 'timeout';

/** Why a sampled shadow request was not run. */
export type ShadowDrop = 'queue_full' | 'busy' | 'closing';

/** The shadow's metrics, apart from the production answers' (which they never touch). */
export class ShadowMetrics {
  readonly requests: Counter<'model' | 'version' | 'outcome'>;
  readonly dropped: Counter<'reason'>;
  readonly latency: Histogram<'model' | 'version'>;
  readonly queued: Gauge;
  /** Each running shadow's copies waiting or running (two while a swap lets the old one finish). */
  private readonly queues = new Set<() => number>();

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'modelgate_shadow_requests_total',
      help: 'Shadow requests by shadow model, version and outcome (scored, failed, timeout)',
      labelNames: ['model', 'version', 'outcome'] as const,
      registers: [registry],
    });
    this.dropped = new Counter({
      name: 'modelgate_shadow_dropped_total',
      help: 'Sampled shadow requests not run, by reason (queue_full, busy, closing)',
      labelNames: ['reason'] as const,
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'modelgate_shadow_duration_seconds',
      help: 'Shadow scoring time of the copies it scored, from their batch being handed to its process',
      labelNames: ['model', 'version'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    const queues = this.queues;
    this.queued = new Gauge({
      name: 'modelgate_shadow_queued_requests',
      help: 'Shadow requests waiting or running',
      registers: [registry],
      // Read when scraped, not set on every copy: that would be the HTTP thread's work per request.
      collect() {
        let queued = 0;
        for (const count of queues) queued += count();
        this.set(queued);
      },
    });
  }

  /** Counts `count()` in the queued gauge until the returned function is called. */
  countQueue(count: () => number): () => void {
    this.queues.add(count);
    return () => this.queues.delete(count);
  }
}
