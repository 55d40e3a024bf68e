import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchObserver } from './batcher.js';
import { startDefaultMetrics } from './default-metrics.js';
import type { ModelVersion } from './models.js';

const PREFIX = 'modelgate_';

/** The server's Prometheus metrics, in a registry of its own so several servers can share a process. */
export class ServerMetrics implements BatchObserver {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: `${PREFIX}requests_total`,
    help: 'Inference requests by model, version, protocol and HTTP status',
    labelNames: ['model', 'version', 'protocol', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: `${PREFIX}request_duration_seconds`,
    help: 'Inference request latency from receipt to response',
    labelNames: ['model', 'version', 'protocol'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly queueTime = new Histogram({
    name: `${PREFIX}queue_duration_seconds`,
    help: 'Time a request waited for its batch to start',
    labelNames: ['model', 'version'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: `${PREFIX}batch_size_rows`,
    help: 'Rows per inference batch sent to a worker',
    labelNames: ['model', 'version'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: `${PREFIX}inflight_requests`,
    help: 'Inference requests admitted and not yet answered',
    registers: [this.registry],
  });
  readonly loadTime = new Gauge({
    name: `${PREFIX}model_load_seconds`,
    help: 'Time to verify, load and warm up a model version',
    labelNames: ['model', 'version'] as const,
    // With --acceptors each process loads the model; the slowest is the time to serve it.
    aggregator: 'max',
    registers: [this.registry],
  });
  readonly loaded = new Gauge({
    name: `${PREFIX}model_loaded`,
    help: '1 for each model version currently served',
    labelNames: ['model', 'version'] as const,
    aggregator: 'max',
    registers: [this.registry],
  });
  readonly reloads = new Counter({
    name: `${PREFIX}reloads_total`,
    help: 'Model generation swaps by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly provider = new Gauge({
    name: `${PREFIX}execution_provider`,
    help: '1 for the onnxruntime execution provider the models run on (--device)',
    labelNames: ['provider'] as const,
    aggregator: 'max',
    registers: [this.registry],
  });

  /** What /metrics answers: this registry, or with `--acceptors` every acceptor's gathered. */
  text: () => Promise<string> = () => this.registry.metrics();

  /** Ends the default metrics' event-loop monitor and GC observer; the server calls it on close. */
  readonly stop: () => void;

  constructor() {
    this.stop = startDefaultMetrics(this.registry, PREFIX);
  }

  batch(model: ModelVersion, rows: number): void {
    this.batchSize.observe({ model: model.name, version: model.version }, rows);
  }

  queued(model: ModelVersion, seconds: number): void {
    this.queueTime.observe({ model: model.name, version: model.version }, seconds);
  }
}
