import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { UserError } from '@modelgate/core';
import type { ExecutionProvider } from '@modelgate/runtime';

/** `--acceptors`: a number of HTTP acceptor processes, or `auto`. */
export type AcceptorCount = number | 'auto';

/**
 * The cores this process may use: the cgroup v2 CPU quota when one is set (a container's or pod's CPU
 * limit, which `availableParallelism` does not see), else the cores it may run on.
 */
export function usableCores(cpuMaxFile = '/sys/fs/cgroup/cpu.max'): number {
  const cores = availableParallelism();
  try {
    const [quota, period] = readFileSync(cpuMaxFile, 'utf8').trim().split(/\s+/);
    if (quota === undefined || quota === 'max' || period === undefined) return cores;
    const limit = Math.ceil(Number(quota) / Number(period));
    return Number.isFinite(limit) && limit >= 1 ? Math.min(cores, limit) : cores;
  } catch {
    return cores;
  }
}

/**
 * `auto` is one acceptor per usable core on CPU, so the protocol work (reading, parsing, answering)
 * uses every core; on a GPU one process holds the device's memory, so one.
 */
export function resolveAcceptors(
  value: AcceptorCount | undefined,
  provider: ExecutionProvider = 'cpu',
  cores = usableCores(),
): number {
  if (value === undefined || value === 'auto') return provider === 'cpu' ? cores : 1;
  if (!Number.isInteger(value) || value < 1)
    throw new UserError(`--acceptors ${value}: expected auto or an integer of at least 1`);
  return value;
}

/** Each acceptor's inference threads when --workers is not given: the cores shared out, at least one. */
export function workersPerAcceptor(acceptors: number, cores = usableCores()): number {
  return Math.max(1, Math.floor(cores / acceptors));
}
