import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/** How often the thread's busy share is read again. */
const WINDOW_MS = 100;

/**
 * `--shadow-max-load`: whether this thread's event loop was busier than `limit` (its utilization,
 * 0..1) over the last window. A server near its capacity answers later for every bit of work added,
 * the shadow's hand-overs and log lines included, so its copies are then dropped and counted until
 * the load falls. A limit of 1 never drops.
 */
export class BusyGuard {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private readAt = performance.now();
  private busy = false;

  constructor(
    private readonly limit: number,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** Cheap per copy: the utilization is read at most once a window. */
  isBusy(): boolean {
    if (this.limit >= 1) return false;
    const now = performance.now();
    if (now - this.readAt >= this.windowMs) {
      const current = performance.eventLoopUtilization();
      this.busy = performance.eventLoopUtilization(current, this.last).utilization > this.limit;
      this.last = current;
      this.readAt = now;
    }
    return this.busy;
  }
}
