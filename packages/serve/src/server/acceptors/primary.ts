import cluster, { type Worker } from 'node:cluster';
import { CORES_ENV, errorMessage, UserError } from '@modelgate/core';
import { AggregatorRegistry } from 'prom-client';
import type { PredictionSink } from '../../prediction-log/types.js';
import { childEntry } from '../child-entry.js';
import { positiveInteger, type RunningServer, type ServeOptions } from '../options.js';
import { startPolling } from '../poller.js';
import { coresPerAcceptor } from './count.js';
import {
  type ForwardedLogSettings,
  type InlineChoices,
  isOurs,
  type ToAcceptor,
  type ToPrimary,
} from './messages.js';

/** After an acceptor dies, its replacement starts this much later, doubling while they keep dying. */
const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;

export interface AcceptorsOptions extends ServeOptions {
  /** HTTP acceptor processes sharing the port (see resolveAcceptors). */
  acceptors: number;
}

/** Settings of the log the acceptors forward to, as far as they can act on them locally. */
function forwardedLog(sink: PredictionSink | undefined): ForwardedLogSettings | undefined {
  if (!sink) return undefined;
  return {
    requests: sink.request !== undefined,
    shadowLines: sink.recordShadowLines !== undefined,
    ...(sink.sampling ? { sampling: sink.sampling } : {}),
    ...(sink.shadowLinesFiles ? { shadowLinesFiles: sink.shadowLinesFiles } : {}),
  };
}

/** Hands an acceptor's forwarded rows to the one prediction log; never throws into the primary. */
function writeForwarded(
  sink: PredictionSink,
  message: Extract<ToPrimary, { type: 'modelgate:predictions' }>,
) {
  for (const entry of message.predictions) sink.record(entry);
  for (const lines of message.shadowLines) sink.recordShadowLines?.(lines);
  if (sink.request) for (const entry of message.requests) sink.request(entry);
}

/**
 * `serve --acceptors N`: N processes (node:cluster) each run the whole server on one shared port, so the
 * per-request protocol work uses N cores. This process is the primary: it starts them, restarts one
 * that dies, writes the prediction log (the shadows' processes append their own lines), gathers
 * /metrics, and reloads and drains them.
 */
export async function startAcceptors(options: AcceptorsOptions): Promise<RunningServer> {
  if (!cluster.isPrimary) throw new Error('startAcceptors: already in an acceptor process');
  const { log: logOption, predictionLog, acceptors: count, pollIntervalMs, ...serveOptions } = options;
  const log = logOption ?? (() => {});
  // The primary polls for all of them, so every acceptor re-resolves at the same moment.
  const pollEvery =
    pollIntervalMs === undefined ? 0 : positiveInteger('--poll-interval-ms', pollIntervalMs, 0, 0);
  // Each acceptor counts its inference workers and threads from its share, not from the machine.
  const share = { [CORES_ENV]: String(coresPerAcceptor(count)) };
  const logSettings = forwardedLog(predictionLog);
  const { exec, execArgv } = childEntry(import.meta.url, 'acceptor-main');
  cluster.setupPrimary({ exec, execArgv, args: [], serialization: 'advanced' });
  const metrics = new AggregatorRegistry();

  const byIndex = new Map<number, Worker>();
  const failures = new Map<number, number>();
  let closing = false;
  /** Until every acceptor first listens, one that exits fails the start instead of being replaced. */
  let allListening = false;
  let nextReload = 0;
  /** Reloads under way: the acceptors (cluster worker ids) yet to answer, and their errors. */
  const reloads = new Map<number, { pending: Set<number>; errors: string[]; done: () => void }>();
  const answered = (reload: { pending: Set<number>; done: () => void }, worker: Worker) => {
    if (reload.pending.delete(worker.id) && reload.pending.size === 0) reload.done();
  };
  /**
   * `--inline auto`'s choices, as the acceptor that timed a model first made them: the others (and
   * replacements) are started and reloaded with them, so every acceptor runs a model alike.
   */
  const inline: InlineChoices = {};
  const learn = (choices: InlineChoices) => {
    for (const [sha256, choice] of Object.entries(choices)) inline[sha256] ??= choice;
  };

  function onMessage(worker: Worker, index: number, message: unknown): void {
    if (!isOurs<ToPrimary>(message)) return;
    switch (message.type) {
      case 'modelgate:hello':
        send(worker, {
          type: 'modelgate:start',
          index,
          options: serveOptions,
          ...(logSettings ? { log: logSettings } : {}),
          inline,
        });
        break;
      case 'modelgate:listening':
        learn(message.inline);
        break;
      case 'modelgate:log-line':
        log(message.line);
        break;
      case 'modelgate:log-lines':
        for (const line of message.lines) log(line);
        break;
      case 'modelgate:predictions':
        if (predictionLog) writeForwarded(predictionLog, message);
        if (message.last) send(worker, { type: 'modelgate:log-flushed' });
        break;
      case 'modelgate:metrics':
        metrics.clusterMetrics().then(
          (text) => send(worker, { type: 'modelgate:metrics-text', id: message.id, text }),
          (err: unknown) =>
            send(worker, { type: 'modelgate:metrics-text', id: message.id, error: errorMessage(err) }),
        );
        break;
      case 'modelgate:reloaded': {
        learn(message.inline);
        const reload = reloads.get(message.id);
        if (!reload) break;
        if (message.error) reload.errors.push(message.error);
        answered(reload, worker);
        break;
      }
    }
  }

  /** Starts acceptor `index`; resolves with its url once it listens, rejects with why it could not. */
  function fork(index: number): Promise<string> {
    const worker = cluster.fork(share);
    byIndex.set(index, worker);
    // A send to an acceptor that just died fails; its exit is handled below.
    worker.on('error', () => {});
    worker.on('message', (message: unknown) => onMessage(worker, index, message));
    const listening = new Promise<string>((resolve, reject) => {
      worker.on('message', (message: unknown) => {
        if (!isOurs<ToPrimary>(message)) return;
        if (message.type === 'modelgate:listening') resolve(message.url);
        if (message.type === 'modelgate:failed')
          reject(message.userError ? new UserError(message.message) : new Error(message.message));
      });
      worker.once('exit', (code, signal) =>
        reject(new Error(`acceptor ${index} exited before listening (${signal ?? `code ${code}`})`)),
      );
    });
    worker.once('exit', (code, signal) => {
      if (byIndex.get(index) === worker) byIndex.delete(index);
      for (const reload of [...reloads.values()]) answered(reload, worker);
      if (allListening && !closing) restart(index, code, signal);
    });
    return listening;
  }

  function restart(index: number, code: number | null, signal: string | null): void {
    const failed = (failures.get(index) ?? 0) + 1;
    failures.set(index, failed);
    const delay = Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** (failed - 1));
    log({ level: 'error', event: 'acceptor-exited', acceptor: index, code, signal, restartInMs: delay });
    setTimeout(() => {
      if (closing) return;
      fork(index).then(
        () => {
          failures.set(index, 0);
          log({ level: 'info', event: 'acceptor-restarted', acceptor: index });
        },
        (err: unknown) =>
          log({ level: 'error', event: 'acceptor-failed', acceptor: index, error: errorMessage(err) }),
      );
    }, delay).unref();
  }

  const exited = () =>
    Promise.all(
      [...byIndex.values()].map(
        (worker) =>
          new Promise<void>((resolve) =>
            worker.isDead() ? resolve() : worker.once('exit', () => resolve()),
          ),
      ),
    );

  async function stopAcceptors(): Promise<void> {
    closing = true;
    const stopped = exited();
    for (const worker of byIndex.values()) send(worker, { type: 'modelgate:close' });
    await stopped;
  }

  // The first acceptor loads and times its models alone; the others start from its choices.
  const urls = await Promise.allSettled([fork(1)]);
  if (urls[0]?.status === 'fulfilled' && count > 1) {
    urls.push(...(await Promise.allSettled(Array.from({ length: count - 1 }, (_, i) => fork(i + 2)))));
  }
  const failed = urls.find((u): u is PromiseRejectedResult => u.status === 'rejected');
  if (failed) {
    // As startServer: a failed start leaves the caller's prediction log to the caller.
    await stopAcceptors();
    throw failed.reason;
  }
  allListening = true;
  const url = (urls[0] as PromiseFulfilledResult<string>).value;
  log({ level: 'info', event: 'acceptors', url, acceptors: count });

  /** These acceptors re-resolve and swap; their errors. */
  const reloadEach = (workers: readonly Worker[]) =>
    new Promise<string[]>((resolve) => {
      if (workers.length === 0) return resolve([]);
      const id = nextReload++;
      const errors: string[] = [];
      reloads.set(id, {
        pending: new Set(workers.map((w) => w.id)),
        errors,
        done: () => {
          reloads.delete(id);
          resolve(errors);
        },
      });
      for (const worker of workers) send(worker, { type: 'modelgate:reload', id, inline });
    });

  /**
   * Every acceptor re-resolves and swaps: the first alone (it times a new model for `--inline
   * auto`), then the others with its choices. Rejects with the first error.
   */
  const reload = async () => {
    const [first, ...others] = [...byIndex].sort(([a], [b]) => a - b).map(([, worker]) => worker);
    const errors = [...(await reloadEach(first ? [first] : [])), ...(await reloadEach(others))];
    if (errors.length > 0) throw new Error(errors[0]);
  };

  const stopPolling = startPolling(pollEvery, () => (closing ? Promise.resolve() : reload()), log);

  let closed: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closed ??= (async () => {
        stopPolling();
        // The shadows' processes have written their last lines by the time their acceptors exit.
        await stopAcceptors();
        await predictionLog?.close();
        log({ level: 'info', event: 'closed' });
      })();
      return closed;
    },
    reload,
  };
}

function send(worker: Worker, message: ToAcceptor): void {
  if (worker.isConnected()) worker.send(message);
}
