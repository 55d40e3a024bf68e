/**
 * The shadow's process: the shadow model's inference workers, started by the server (each acceptor)
 * with `serve --shadow`. Every thread of it runs at the lowest priority, V8's garbage-collection
 * helpers included, which a worker thread inside the server could not do: they are the server's.
 * It ends with its server (the IPC channel closing) and cannot take the server down with it.
 */
import { errorMessage } from '@modelgate/core';
import type { InferResult } from '../infer-task.js';
import { InferencePool } from '../worker-pool.js';
import { ShadowLinesWriter } from './shadow-lines-writer.js';
import { type FromShadow, isShadowMessage, type ToShadow } from './shadow-messages.js';
import { type ShadowScorer, ShadowSession } from './shadow-session.js';
import { lowerProcessPriority } from './thread-priority.js';

/** The lowest niceness, beside SCHED_IDLE where chrt can set it. */
const SHADOW_NICENESS = 19;

const priority = lowerProcessPriority(SHADOW_NICENESS);
let pool: ShadowScorer | undefined;
/** Appends the log lines to the log's files, where the log allows (see PredictionSink.shadowLinesFiles). */
let writer: ShadowLinesWriter | undefined;

const send = (message: FromShadow) => {
  if (process.connected) process.send?.(message);
};

/** The result with its log lines appended to the files here, when this process writes them; else as it is. */
async function writeLines(result: InferResult): Promise<InferResult> {
  const shadow = result.shadow;
  if (!writer || !shadow || shadow.lines.length === 0) return result;
  const logError = await writer.write(shadow.lines);
  return { ...result, shadow: { ...shadow, lines: [], ...(logError ? { logError } : {}) } };
}

async function start(message: Extract<ToShadow, { type: 'modelgate:shadow-start' }>): Promise<void> {
  try {
    if (message.linesFiles) writer = new ShadowLinesWriter(message.linesFiles);
    // One thread per session: each server process (each acceptor, one per core by default) has a
    // shadow process of its own, so the shadows together already have a thread per core; more
    // would only compete with each other for the cores the answers leave idle.
    pool =
      message.workers === 1
        ? await ShadowSession.open(message.model, message.provider)
        : await InferencePool.start([message.model], message.workers, message.provider, 1);
    send({ type: 'modelgate:shadow-ready', priority });
  } catch (err) {
    // The server ends this process once it reads why.
    send({ type: 'modelgate:shadow-failed', message: errorMessage(err) });
  }
}

function run({ id, task }: Extract<ToShadow, { type: 'modelgate:shadow-task' }>): void {
  if (!pool) {
    send({ type: 'modelgate:shadow-result', id, error: 'the shadow model is not loaded' });
    return;
  }
  pool
    .result(task)
    .then(writeLines)
    .then(
      (result) => send({ type: 'modelgate:shadow-result', id, result }),
      (err: unknown) => send({ type: 'modelgate:shadow-result', id, error: errorMessage(err) }),
    );
}

process.on('message', (message: unknown) => {
  if (!isShadowMessage<ToShadow>(message)) return;
  switch (message.type) {
    case 'modelgate:shadow-start':
      void start(message);
      break;
    case 'modelgate:shadow-task':
      run(message);
      break;
    case 'modelgate:shadow-close':
      void stop();
      break;
  }
});

/** Releases the sessions, lets the last lines reach the files, and exits. */
async function stop(): Promise<void> {
  await pool?.close().catch(() => {});
  await writer?.idle();
  process.exit(0);
}

// The server went away (closed, or died): nothing is left to shadow.
process.on('disconnect', () => void stop());
