/**
 * onnxruntime aborts the whole process ("terminate called after throwing an instance of
 * 'Napi::Error'") when a thread or the process is torn down with sessions alive, so a pool's
 * workers release theirs before the pool is destroyed.
 */

/** The task that asks a worker to release its sessions. */
export interface ReleaseTask {
  release: true;
}

const RELEASE: ReleaseTask = { release: true };
/** How long a worker that released waits for the others to take their release task. */
const BARRIER_MS = 2_000;

export const isReleaseTask = (task: unknown): task is ReleaseTask =>
  typeof task === 'object' && task !== null && (task as Partial<ReleaseTask>).release === true;

/** Counts the workers that took a release task; shared by the owner with every worker. */
export function releaseBarrier(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/**
 * In a worker, after releasing: blocks until every one of `workers` has taken its release task,
 * so this thread cannot take a second one while another worker gets none. Bounded: a worker that
 * never comes only costs the wait.
 */
export function awaitEveryWorker(barrier: Int32Array, workers: number): void {
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  const deadline = Date.now() + BARRIER_MS;
  for (let seen = Atomics.load(barrier, 0); seen < workers; seen = Atomics.load(barrier, 0)) {
    const left = deadline - Date.now();
    if (left <= 0) return;
    Atomics.wait(barrier, 0, seen, left);
  }
}

/** In the owner: every worker releases its sessions, then the pool is destroyed. */
export async function destroyReleasing(
  pool: { run(task: ReleaseTask): Promise<unknown>; destroy(): Promise<void> },
  workers: number,
): Promise<void> {
  await Promise.allSettled(Array.from({ length: workers }, () => pool.run(RELEASE)));
  await pool.destroy();
}
