import { errorMessage } from '@modelgate/core';

/**
 * `--poll-interval-ms`: runs `reload` every `intervalMs`, never two at once, a failure logged as
 * `poll-failed`. Returns what stops it; with no interval, nothing runs.
 */
export function startPolling(
  intervalMs: number | undefined,
  reload: () => Promise<void>,
  log: (line: object) => void,
): () => void {
  if (intervalMs === undefined || intervalMs <= 0) return () => {};
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    reload()
      .catch((err: unknown) => log({ level: 'warn', event: 'poll-failed', error: errorMessage(err) }))
      .finally(() => {
        polling = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
