import { type BufferedRequest, bufferRequest } from '../../prediction-log/rows.js';
import { createSampler } from '../../prediction-log/sampling.js';
import type {
  PredictionLogEntry,
  PredictionSink,
  RequestLogEntry,
  ShadowLines,
  ShadowLinesFiles,
} from '../../prediction-log/types.js';
import type { ForwardedLogSettings, ToPrimary } from './messages.js';

/** How long records gather before they cross to the primary: one message per batch, not per request. */
export const SEND_INTERVAL_MS = 20;
export const SEND_AT_ENTRIES = 256;
/** Entries held while the pipe is slower than the requests; more are dropped (and said so on close). */
const MAX_PENDING = 50_000;

/**
 * An acceptor's prediction log: entries are copied out of the request's buffers (as the log itself
 * does) and sent in batches to the primary, which writes the log's files.
 */
export class ForwardingSink implements PredictionSink {
  private predictions: BufferedRequest[] = [];
  private requests: RequestLogEntry[] = [];
  private shadowLines: ShadowLines[] = [];
  /** Set when the primary's log takes ready lines: a shadow's process then writes its rows as lines. */
  readonly recordShadowLines?: (lines: ShadowLines) => void;
  readonly shadowLinesFiles?: ShadowLinesFiles;
  private timer: NodeJS.Timeout | undefined;
  /** Set by close(): resolves when the primary says the last batch reached its log. */
  private arrived: (() => void) | undefined;
  private readonly sample: ((requestId: string) => boolean) | undefined;
  dropped = 0;
  private closed = false;

  constructor(
    private readonly send: (message: ToPrimary) => void,
    private readonly settings: ForwardedLogSettings,
  ) {
    const sampling = settings.sampling;
    if (sampling) this.sample = createSampler(sampling.sampleRate, sampling.seed);
    if (settings.shadowLinesFiles) this.shadowLinesFiles = settings.shadowLinesFiles;
    if (settings.shadowLines) {
      this.recordShadowLines = (lines) => {
        if (this.closed || !this.room()) return;
        this.shadowLines.push(lines);
        this.schedule();
      };
    }
  }

  accepts(requestId: string): boolean {
    return this.sample === undefined || this.sample(requestId);
  }

  record(entry: PredictionLogEntry): void {
    if (this.closed || !this.room()) return;
    try {
      this.predictions.push(bufferRequest(entry));
    } catch {
      this.dropped += 1;
      return;
    }
    this.schedule();
  }

  request(entry: RequestLogEntry): void {
    if (this.closed || !this.settings.requests || !this.room()) return;
    this.requests.push({ ...entry, time: new Date(entry.time.getTime()) });
    this.schedule();
  }

  /** Called by the acceptor when the primary says the last batch reached the log. */
  flushed(): void {
    this.arrived?.();
  }

  /** Sends what is held and resolves once the primary has handed it to its log. */
  close(): Promise<void> {
    this.closed = true;
    const arrived = new Promise<void>((resolve) => {
      this.arrived = resolve;
    });
    this.sendPending(true);
    return arrived;
  }

  private held(): number {
    return this.predictions.length + this.requests.length + this.shadowLines.length;
  }

  private room(): boolean {
    if (this.held() < MAX_PENDING) return true;
    this.dropped += 1;
    return false;
  }

  private schedule(): void {
    if (this.held() >= SEND_AT_ENTRIES) this.sendPending();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.sendPending(), SEND_INTERVAL_MS);
      this.timer.unref();
    }
  }

  private sendPending(last = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!last && this.held() === 0) return;
    const message: ToPrimary = {
      type: 'modelgate:predictions',
      predictions: this.predictions,
      requests: this.requests,
      shadowLines: this.shadowLines,
      ...(last ? { last } : {}),
    };
    this.predictions = [];
    this.requests = [];
    this.shadowLines = [];
    this.send(message);
  }
}
