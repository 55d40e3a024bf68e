/**
 * One HTTP acceptor of `serve --acceptors N`: a cluster worker running the whole server (its own
 * models, inference threads and shadow) on the port the primary shares out. Logs, prediction-log
 * records and /metrics go through the primary, so there is one writer and one set of metrics (a
 * shadow's process appends its own log lines, beside the primary).
 */
import { errorMessage, UserError } from '@modelgate/core';
import { AggregatorRegistry } from 'prom-client';
import type { InlineChoice } from '../inline-session.js';
import type { RunningServer } from '../options.js';
import { startServerWith } from '../start-server.js';
import { ForwardingSink } from './forwarding-sink.js';
import { LogForwarder } from './log-forwarder.js';
import { type InlineChoices, isOurs, type ToAcceptor, type ToPrimary } from './messages.js';

const send = (message: ToPrimary) => {
  if (process.connected) process.send?.(message);
};

let server: RunningServer | undefined;
let sink: ForwardingSink | undefined;
let logs: LogForwarder | undefined;
let closing: Promise<void> | undefined;
let nextMetrics = 0;
const metricsWaiting = new Map<number, (reply: { text?: string; error?: string }) => void>();
/** `--inline auto`'s choices: the primary's (timed by another acceptor), and this one's own. */
const inlineChoices = new Map<string, InlineChoice>();

function takeInline(choices: InlineChoices): void {
  for (const [sha256, choice] of Object.entries(choices)) inlineChoices.set(sha256, choice);
}

/** /metrics of an acceptor answers for all of them: the primary gathers every acceptor's registry. */
function clusterMetrics(): Promise<string> {
  const id = nextMetrics++;
  return new Promise((resolve, reject) => {
    metricsWaiting.set(id, (reply) =>
      reply.text !== undefined ? resolve(reply.text) : reject(new Error(reply.error ?? 'no metrics')),
    );
    send({ type: 'modelgate:metrics', id });
  });
}

async function start(message: Extract<ToAcceptor, { type: 'modelgate:start' }>): Promise<void> {
  sink = message.log ? new ForwardingSink(send, message.log) : undefined;
  logs = new LogForwarder(send, message.index);
  takeInline(message.inline);
  try {
    server = await startServerWith(
      {
        ...message.options,
        log: logs.line,
        ...(sink ? { predictionLog: sink } : {}),
      },
      {
        inlineChoices,
        metricsText: (registry) => {
          // Constructing one is what makes prom-client answer the primary's requests in a worker.
          new AggregatorRegistry();
          AggregatorRegistry.setRegistries([registry]);
          return clusterMetrics;
        },
      },
    );
    send({ type: 'modelgate:listening', url: server.url, inline: Object.fromEntries(inlineChoices) });
  } catch (err) {
    // Exit once the reason is on its way: the primary reports it and stops the other acceptors.
    process.send?.(
      { type: 'modelgate:failed', message: errorMessage(err), userError: err instanceof UserError },
      () => process.exit(1),
    );
  }
}

function close(): Promise<void> {
  closing ??= (async () => {
    await server?.close();
    logs?.flush();
    if (sink?.dropped)
      send({
        type: 'modelgate:log-line',
        line: { level: 'warn', event: 'prediction-log-dropped', requests: sink.dropped },
      });
    // Closing the channel (after what was sent) ends a cluster worker; the timer is for a handle
    // that would keep it alive regardless.
    setTimeout(() => process.exit(0), 5_000).unref();
    process.disconnect();
  })();
  return closing;
}

process.on('message', (message: unknown) => {
  if (!isOurs<ToAcceptor>(message)) return;
  switch (message.type) {
    case 'modelgate:start':
      void start(message);
      break;
    case 'modelgate:reload': {
      takeInline(message.inline);
      const reloaded = (error?: string) =>
        send({
          type: 'modelgate:reloaded',
          id: message.id,
          inline: Object.fromEntries(inlineChoices),
          ...(error !== undefined ? { error } : {}),
        });
      (server?.reload() ?? Promise.resolve()).then(
        () => reloaded(),
        (err: unknown) => reloaded(errorMessage(err)),
      );
      break;
    }
    case 'modelgate:close':
      void close();
      break;
    case 'modelgate:metrics-text':
      metricsWaiting.get(message.id)?.(message);
      metricsWaiting.delete(message.id);
      break;
    case 'modelgate:log-flushed':
      sink?.flushed();
      break;
  }
});

send({ type: 'modelgate:hello' });

// The primary decides when to stop: a terminal's Ctrl-C reaches the whole process group, and an
// acceptor stopping on its own would drop its connections before the primary drains them in order.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
