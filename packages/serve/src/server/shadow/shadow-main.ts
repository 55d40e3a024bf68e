/**
 * The shadow's process: the shadow model's inference workers, started by the server (each acceptor)
 * with `serve --shadow`. Every thread of it runs at the lowest priority, V8's garbage-collection
 * helpers included, which a worker thread inside the server could not do: they are the server's.
 * It ends with its server (the IPC channel closing) and cannot take the server down with it.
 */
import { connect, type Socket } from 'node:net';
import { errorMessage } from '@modelgate/core';
import type { InferResult } from '../infer-task.js';
import { InferencePool } from '../worker-pool.js';
import { encodeFrames } from './lines-frames.js';
import { type FromShadow, isShadowMessage, type ToShadow } from './shadow-messages.js';
import { type ShadowScorer, ShadowSession } from './shadow-session.js';
import { lowerProcessPriority } from './thread-priority.js';

/** The lowest niceness, beside SCHED_IDLE where chrt can set it. */
const SHADOW_NICENESS = 19;

const priority = lowerProcessPriority(SHADOW_NICENESS);
let pool: ShadowScorer | undefined;
/** The log's writer, when it takes the lines from here (see PredictionSink.shadowLinesSocket). */
let lines: Socket | undefined;

const send = (message: FromShadow) => {
  if (process.connected) process.send?.(message);
};

/** Connects to the log's writer; where it cannot, the lines go back with the results. */
function connectLines(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    // Before it connects, an error means no socket; after, the close below stops its use.
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => {
      if (lines === socket) lines = undefined;
    });
  });
}

/** The result's log lines sent to the writer, when connected; otherwise left in it for the server. */
function sendLines(result: InferResult): InferResult {
  const groups = result.shadow?.lines;
  if (!lines || !groups || groups.length === 0) return result;
  lines.write(encodeFrames(groups));
  return { ...result, shadow: { ...(result.shadow as NonNullable<InferResult['shadow']>), lines: [] } };
}

async function start(message: Extract<ToShadow, { type: 'modelgate:shadow-start' }>): Promise<void> {
  try {
    if (message.linesSocket) lines = await connectLines(message.linesSocket);
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
  pool.result(task).then(
    (result) => send({ type: 'modelgate:shadow-result', id, result: sendLines(result) }),
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

/** Releases the sessions, hands the last lines to the writer, and exits. */
async function stop(): Promise<void> {
  await pool?.close().catch(() => {});
  const socket = lines;
  if (socket) await new Promise<void>((resolve) => socket.end(resolve));
  process.exit(0);
}

// The server went away (closed, or died): nothing is left to shadow.
process.on('disconnect', () => void stop());
