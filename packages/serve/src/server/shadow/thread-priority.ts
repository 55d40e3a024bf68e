import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the calling thread's CPU priority (threads it starts later inherit it). Linux: /proc/thread-self
 * names the thread, and setpriority on a thread id sets that thread alone. Elsewhere it does nothing.
 */
export function lowerThreadPriority(niceness: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, niceness);
  } catch {
    // No /proc or no permission: the thread keeps its priority.
  }
}
