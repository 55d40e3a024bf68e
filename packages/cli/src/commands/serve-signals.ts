/** Resolves with the signal that asked the server to stop; SIGHUP calls `onReload` instead. */
export function waitForStop(
  onReload: () => void,
  signals: NodeJS.EventEmitter = process,
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    const stop = (signal: NodeJS.Signals) => {
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onInt);
      signals.off('SIGHUP', onReload);
      resolve(signal);
    };
    signals.on('SIGTERM', onTerm);
    signals.on('SIGINT', onInt);
    signals.on('SIGHUP', onReload);
  });
}
