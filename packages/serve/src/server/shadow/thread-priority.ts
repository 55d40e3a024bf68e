import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** How far the process's priority went down. */
export type LoweredPriority = 'idle' | 'nice' | 'unchanged';

/**
 * Lowers every thread of this process to the lowest CPU priority for good; threads started later
 * inherit it. First `niceness`, then the scheduling policy SCHED_IDLE (util-linux's `chrt`, which
 * any process may apply to itself). Niceness alone is not enough: a nice thread that holds a core
 * keeps it for its scheduler slice (milliseconds) after a request's thread wakes up. A SCHED_IDLE
 * thread is preempted the moment any normal thread wakes. All threads, not only the one that runs
 * the model: V8's garbage collection runs on helper threads of its own.
 */
export function lowerProcessPriority(niceness: number): LoweredPriority {
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return 'unchanged';
  }
  try {
    for (const tid of threads) setPriority(Number(tid), niceness);
  } catch {
    return 'unchanged';
  }
  try {
    execFileSync('chrt', ['--idle', '--all-tasks', '--pid', '0', String(process.pid)], {
      stdio: 'ignore',
      timeout: 10_000,
    });
    return 'idle';
  } catch {
    return 'nice';
  }
}
