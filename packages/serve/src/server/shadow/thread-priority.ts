import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** How far the calling thread's priority went down. */
export type LoweredPriority = 'idle' | 'nice' | 'unchanged';

/** The calling thread's kernel id: Linux names it in /proc/thread-self. */
function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lowers the calling thread's CPU priority for good; threads it starts later inherit it. First
 * `niceness`, then the scheduling policy SCHED_IDLE (util-linux's `chrt`, which any thread may
 * apply to itself). Niceness alone is not enough: a nice thread that holds a core keeps it for
 * its scheduler slice (milliseconds) after a request's thread wakes up. A SCHED_IDLE thread is
 * preempted the moment any normal thread wakes. Where neither can be set it does nothing.
 */
export function lowerThreadPriority(niceness: number): LoweredPriority {
  const tid = threadId();
  if (tid === undefined) return 'unchanged';
  try {
    setPriority(tid, niceness);
  } catch {
    return 'unchanged';
  }
  try {
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 10_000 });
    return 'idle';
  } catch {
    return 'nice';
  }
}
