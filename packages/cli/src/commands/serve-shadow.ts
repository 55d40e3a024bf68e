import { UserError } from '@modelgate/core';
import type { ShadowOptions } from '@modelgate/serve';
import type { Command } from 'commander';
import { parseNumber, parseShare } from '../flags.js';

export interface ShadowFlags {
  shadow?: string;
  shadowRate?: string;
  shadowTimeoutMs?: string;
  shadowMaxQueue?: string;
  shadowMaxLoad?: string;
  shadowWorkers?: string;
}

export function addShadowOptions(command: Command): Command {
  return command
    .option(
      '--shadow <ref>',
      'also score a sampled copy of the first --model’s requests with this model, off the request path; both go to the prediction log',
    )
    .option('--shadow-rate <share>', 'share of requests copied to the shadow, 0..1 (default 1)')
    .option(
      '--shadow-timeout-ms <ms>',
      'a shadow request not scored within this counts as timed out (default 5000)',
    )
    .option(
      '--shadow-max-queue <n>',
      'shadow requests waiting at most; more are dropped and counted (default 4096)',
    )
    .option(
      '--shadow-max-load <share>',
      'drop copies, counted as busy, while the HTTP thread is busier than this share of the time, 0..1 (default 1: never)',
    )
    .option(
      '--shadow-workers <n>',
      'threads scoring the shadow, all at the lowest CPU priority (default 1: its process’s own thread)',
    );
}

/** The server's `shadow` option from the flags; a shadow flag without --shadow is refused. */
export function shadowOptionsOf(flags: ShadowFlags): { shadow?: ShadowOptions } {
  const rate = parseShare('shadow-rate', flags.shadowRate);
  const timeoutMs = parseNumber('shadow-timeout-ms', flags.shadowTimeoutMs, true);
  const maxQueue = parseNumber('shadow-max-queue', flags.shadowMaxQueue, true);
  const maxLoad = parseShare('shadow-max-load', flags.shadowMaxLoad);
  const workers = parseNumber('shadow-workers', flags.shadowWorkers, true);
  if (flags.shadow === undefined) {
    const given = [
      rate !== undefined && '--shadow-rate',
      timeoutMs !== undefined && '--shadow-timeout-ms',
      maxQueue !== undefined && '--shadow-max-queue',
      maxLoad !== undefined && '--shadow-max-load',
      workers !== undefined && '--shadow-workers',
    ].filter(Boolean);
    if (given.length > 0)
      throw new UserError(`${given.join(', ')}: needs --shadow <ref>, the model to shadow with`);
    return {};
  }
  return {
    shadow: {
      model: flags.shadow,
      ...(rate !== undefined ? { rate } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(maxQueue !== undefined ? { maxQueue } : {}),
      ...(maxLoad !== undefined ? { maxLoad } : {}),
      ...(workers !== undefined ? { workers } : {}),
    },
  };
}
