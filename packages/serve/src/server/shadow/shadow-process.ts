import { type ChildProcess, fork } from 'node:child_process';
import { errorMessage } from '@modelgate/core';
import type { ExecutionProvider } from '@modelgate/runtime';
import type { ShadowLinesFiles } from '../../prediction-log/types.js';
import { childEntry } from '../child-entry.js';
import type { InferResult, InferTask } from '../infer-task.js';
import type { ModelVersion } from '../models.js';
import { type FromShadow, isShadowMessage, type ToShadow } from './shadow-messages.js';

/** After the shadow's process dies, its replacement starts this much later, doubling while they keep dying. */
const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** How long a closing process may take to release its sessions before it is killed. */
const CLOSE_TIMEOUT_MS = 10_000;

interface Waiting {
  resolve: (result: InferResult) => void;
  reject: (err: Error) => void;
}

/**
 * The shadow's inference in a process of its own at the lowest priority (shadow-main.ts), with the
 * interface of an inference pool: result() per batch, close(). A process that dies fails the
 * batches it held and is started again, later each time while it keeps dying; meanwhile batches
 * fail at once. The server's answers never wait on it.
 */
export class ShadowProcess {
  private child: ChildProcess | undefined;
  private ready = false;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  /** Why batches fail while no process runs. */
  private down = 'the shadow process is starting';
  private deaths = 0;
  private restart: NodeJS.Timeout | undefined;
  private closing = false;

  private constructor(
    private readonly model: ModelVersion,
    private readonly workers: number,
    private readonly provider: ExecutionProvider,
    private readonly log: (line: object) => void,
    private readonly linesFiles: ShadowLinesFiles | undefined,
  ) {}

  /** Starts the process and loads the model; rejects with the process's own reason when it cannot. */
  static async start(
    model: ModelVersion,
    workers: number,
    provider: ExecutionProvider,
    log: (line: object) => void,
    /** Where the process appends the log lines it writes, rather than send them back (see PredictionSink). */
    linesFiles?: ShadowLinesFiles,
  ): Promise<ShadowProcess> {
    const shadow = new ShadowProcess(model, workers, provider, log, linesFiles);
    await shadow.spawn();
    return shadow;
  }

  private spawn(): Promise<void> {
    const { exec, execArgv } = childEntry(import.meta.url, 'shadow-main');
    // Started from an acceptor, node:cluster's id in the environment would make it one too.
    const { NODE_UNIQUE_ID: _cluster, ...env } = process.env;
    const child = fork(exec, [], {
      execArgv,
      env,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    return new Promise<void>((resolve, reject) => {
      child.on('message', (message: unknown) => {
        if (!isShadowMessage<FromShadow>(message)) return;
        switch (message.type) {
          case 'modelgate:shadow-ready':
            this.ready = true;
            // Where SCHED_IDLE (or even nice) cannot be set, the shadow competes with the answers more.
            if (message.priority !== 'idle') {
              this.log({
                level: 'warn',
                event: 'shadow-priority',
                model: this.model.key,
                priority: message.priority,
                error:
                  message.priority === 'nice'
                    ? "SCHED_IDLE could not be set (util-linux's chrt missing or refused): the shadow runs at nice 19 only"
                    : 'the shadow runs at normal priority: neither nice nor SCHED_IDLE could be set',
              });
            }
            resolve();
            break;
          case 'modelgate:shadow-failed':
            child.kill('SIGKILL');
            reject(new Error(message.message));
            break;
          case 'modelgate:shadow-result':
            this.settle(message);
            break;
        }
      });
      // A send to a process that just died fails; its exit is handled below.
      child.on('error', () => {});
      child.once('exit', (code, signal) => {
        const how = signal ?? `code ${code}`;
        reject(new Error(`the shadow process exited before it was ready (${how})`));
        if (this.child !== child) return;
        const wasReady = this.ready;
        this.ready = false;
        this.child = undefined;
        this.down = `the shadow process exited (${how})`;
        for (const [id, waiting] of this.waiting) {
          this.waiting.delete(id);
          waiting.reject(new Error(this.down));
        }
        if (!this.closing && wasReady) this.scheduleRestart(how);
      });
      this.send(child, {
        type: 'modelgate:shadow-start',
        model: this.model,
        workers: this.workers,
        provider: this.provider,
        ...(this.linesFiles ? { linesFiles: this.linesFiles } : {}),
      });
    });
  }

  private scheduleRestart(how: string): void {
    this.deaths++;
    const delay = Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** (this.deaths - 1));
    this.log({ level: 'error', event: 'shadow-exited', model: this.model.key, how, restartInMs: delay });
    this.restart = setTimeout(() => {
      this.restart = undefined;
      if (this.closing) return;
      this.spawn().then(
        () => {
          this.deaths = 0;
          this.log({ level: 'info', event: 'shadow-restarted', model: this.model.key });
        },
        (err: unknown) => {
          // Closing ends a process still starting; that is no failure.
          if (this.closing) return;
          this.log({
            level: 'error',
            event: 'shadow-restart-failed',
            model: this.model.key,
            error: errorMessage(err),
          });
          // Until it is ready its exit schedules nothing: it is tried again from here.
          this.scheduleRestart('it did not start again');
        },
      );
    }, delay);
    this.restart.unref();
  }

  private send(child: ChildProcess, message: ToShadow): void {
    if (child.connected) child.send(message);
  }

  private settle(message: Extract<FromShadow, { type: 'modelgate:shadow-result' }>): void {
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    this.waiting.delete(message.id);
    if (message.result) waiting.resolve(message.result);
    else waiting.reject(new Error(message.error ?? 'the shadow process gave no result'));
  }

  /** One batch, scored in the shadow's process. */
  result(task: InferTask): Promise<InferResult> {
    const child = this.child;
    if (!child || !this.ready || !child.connected) return Promise.reject(new Error(this.down));
    const id = this.nextId++;
    return new Promise<InferResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send(child, { type: 'modelgate:shadow-task', id, task });
    });
  }

  /** Lets the process finish its batches and release its sessions, then waits for it to exit. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restart);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const kill = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    this.send(child, { type: 'modelgate:shadow-close' });
    await exited;
    clearTimeout(kill);
  }
}
