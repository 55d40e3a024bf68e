import { SEND_AT_ENTRIES, SEND_INTERVAL_MS } from './forwarding-sink.js';
import type { ToPrimary } from './messages.js';

/**
 * An acceptor's log lines, on their way to the primary (which writes them). `--access-log` gives a
 * line per request: those cross in batches, as prediction rows do, not one message each. Any other
 * line goes at once, after the request lines held before it, so the order stays.
 */
export class LogForwarder {
  private held: object[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (message: ToPrimary) => void,
    private readonly acceptor: number,
  ) {}

  readonly line = (line: object): void => {
    const tagged = { ...line, acceptor: this.acceptor };
    if ((line as { event?: unknown }).event !== 'request') {
      this.flush();
      this.send({ type: 'modelgate:log-line', line: tagged });
      return;
    }
    this.held.push(tagged);
    if (this.held.length >= SEND_AT_ENTRIES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), SEND_INTERVAL_MS);
      this.timer.unref();
    }
  };

  /** Sends the request lines held. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.length === 0) return;
    const lines = this.held;
    this.held = [];
    this.send({ type: 'modelgate:log-lines', lines });
  }
}
