import type { CliContext } from './context.js';
import type { Progress } from './progress.js';

/** Runs `work` with a progress bar that is cleared however the work ends. */
export async function withProgress<T>(
  ctx: CliContext,
  label: string,
  work: (progress: Progress) => Promise<T>,
): Promise<T> {
  const progress = ctx.progress(label);
  try {
    return await work(progress);
  } finally {
    progress.done();
  }
}
