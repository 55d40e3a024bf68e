/** A shadow failing on every request must not write a log line per request: the first, then one per interval. */
const INTERVAL_MS = 10_000;

export class FaultLog {
  private last = Number.NEGATIVE_INFINITY;
  private since = 0;

  constructor(private readonly log: (line: object) => void) {}

  report(line: { event: string; model: string; error: string }): void {
    this.since++;
    const now = performance.now();
    if (now - this.last < INTERVAL_MS) return;
    this.last = now;
    this.log({ level: 'warn', ...line, count: this.since });
    this.since = 0;
  }
}
