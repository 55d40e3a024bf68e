import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BusyGuard } from '../src/server/shadow/busy-guard.js';

/** Keeps this thread's event loop busy for `ms`. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy on purpose
  }
}

describe('BusyGuard (serve --shadow-max-load)', () => {
  it('is busy after a window its thread spent working, not after one it spent waiting, and never at 1', async () => {
    const guard = new BusyGuard(0.5, 20);
    const never = new BusyGuard(1, 20);
    spin(60);
    expect(guard.isBusy()).toBe(true);
    expect(never.isBusy()).toBe(false);
    // Within the window the last reading stands: no second reading per call.
    expect(guard.isBusy()).toBe(true);
    await sleep(100);
    expect(guard.isBusy()).toBe(false);
  });
});
