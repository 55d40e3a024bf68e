export interface StopSignal {
  /** Resolves with the signal that asked the server to stop. */
  stopped: Promise<NodeJS.Signals>;
  /** Stops listening (the server failed to start). */
  cancel(): void;
}

/**
 * Listens for SIGTERM/SIGINT (stop) and SIGHUP (`onReload`). Taken before the server starts, so a
 * stop asked for while models load (or while some acceptors already answer) is not lost.
 */
export function waitForStop(onReload: () => void, signals: NodeJS.EventEmitter = process): StopSignal {
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  let resolveStop: (signal: NodeJS.Signals) => void = () => {};
  const cancel = () => {
    signals.off('SIGTERM', onTerm);
    signals.off('SIGINT', onInt);
    signals.off('SIGHUP', onReload);
  };
  const stop = (signal: NodeJS.Signals) => {
    cancel();
    resolveStop(signal);
  };
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    resolveStop = resolve;
  });
  signals.on('SIGTERM', onTerm);
  signals.on('SIGINT', onInt);
  signals.on('SIGHUP', onReload);
  return { stopped, cancel };
}
