import { UserError } from '@modelgate/core';

/** `serve --shadow`: a second model that scores a sampled copy of the answered requests, off the request path. */
export interface ShadowOptions {
  /** The shadow's reference (`name#staging`, `name@v3`, a .onnx file…); it shadows the first `--model`. */
  model: string;
  /** The share of answered requests copied to the shadow, 0..1, chosen by request id. Default 1. */
  rate?: number;
  /** Shadow requests waiting or running at most; more are dropped and counted. Default 4096. */
  maxQueue?: number;
  /** A shadow request not scored within this is counted as timed out. Default 5000 ms. */
  timeoutMs?: number;
  /**
   * The HTTP thread's busy share (its event loop's utilization over the last 100 ms, 0..1) above
   * which copies are dropped and counted as `busy` (`--shadow-max-load`). Default 1: never.
   */
  maxLoad?: number;
  /**
   * Threads scoring copies in the shadow's process, all at the lowest CPU priority (`--shadow-workers`).
   * Default 1: the process's own thread, with no worker to hand each batch to.
   */
  workers?: number;
}

export type ShadowSettings = Required<ShadowOptions>;

export const SHADOW_DEFAULTS = { rate: 1, maxQueue: 4096, timeoutMs: 5000, maxLoad: 1, workers: 1 } as const;

function positiveInteger(flag: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError(`${flag} ${value}: expected an integer of at least 1`);
  }
  return value;
}

export function shadowSettings(options: ShadowOptions): ShadowSettings {
  const rate = options.rate ?? SHADOW_DEFAULTS.rate;
  if (!(rate >= 0 && rate <= 1)) throw new UserError(`--shadow-rate ${rate}: expected a share from 0 to 1`);
  if (!options.model) throw new UserError('--shadow: expected a model reference');
  const maxLoad = options.maxLoad ?? SHADOW_DEFAULTS.maxLoad;
  if (!(maxLoad >= 0 && maxLoad <= 1))
    throw new UserError(`--shadow-max-load ${maxLoad}: expected a share from 0 to 1`);
  return {
    model: options.model,
    rate,
    maxQueue: positiveInteger('--shadow-max-queue', options.maxQueue, SHADOW_DEFAULTS.maxQueue),
    timeoutMs: positiveInteger('--shadow-timeout-ms', options.timeoutMs, SHADOW_DEFAULTS.timeoutMs),
    maxLoad,
    workers: positiveInteger('--shadow-workers', options.workers, SHADOW_DEFAULTS.workers),
  };
}
