/**
 * The shadow's process: the shadow model's inference workers, started by the server (each acceptor)
 * with `serve --shadow`. Every thread of it runs at the lowest priority, V8's garbage-collection
 * helpers included, which a worker thread inside the server could not do: they are the server's.
 * It ends with its server (the IPC channel closing) and cannot take the server down with it.
 */
import { errorMessage } from '@modelgate/core';
import { InferencePool } from '../worker-pool.js';
import { type FromShadow, isShadowMessage, type ToShadow } from './shadow-messages.js';
import { lowerProcessPriority } from './thread-priority.js';

/** The lowest niceness, beside SCHED_IDLE where chrt can set it. */
const SHADOW_NICENESS = 19;

const priority = lowerProcessPriority(SHADOW_NICENESS);
let pool: InferencePool | undefined;

const send = (message: FromShadow) => {
  if (process.connected) process.send?.(message);
};

async function start(message: Extract<ToShadow, { type: 'modelgate:shadow-start' }>): Promise<void> {
  try {
    pool = await InferencePool.start([message.model], message.workers, message.provider);
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
      void (pool?.close() ?? Promise.resolve()).finally(() => process.exit(0));
      break;
  }
});

// The server went away (closed, or died): nothing is left to shadow.
process.on('disconnect', () => {
  void (pool?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
