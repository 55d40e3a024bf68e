import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { UserError } from './errors.js';

/** Caps the cores modelgate uses in this process; `serve --acceptors` sets it to each acceptor's share. */
export const CORES_ENV = 'MODELGATE_CORES';

/**
 * The cores this process may use: `MODELGATE_CORES` when set, else the cgroup v2 CPU quota when one
 * is set (a container's or pod's CPU limit, which `availableParallelism` does not see), else the cores
 * it may run on. Every per-process count (inference workers, onnxruntime threads) starts here.
 */
export function usableCores(
  env: NodeJS.ProcessEnv = process.env,
  cpuMaxFile = '/sys/fs/cgroup/cpu.max',
): number {
  const cores = Math.min(availableParallelism(), cgroupQuota(cpuMaxFile) ?? Number.POSITIVE_INFINITY);
  const given = env[CORES_ENV];
  if (given === undefined || given === '') return cores;
  const count = Number(given);
  if (!Number.isInteger(count) || count < 1)
    throw new UserError(`${CORES_ENV}=${given}: expected a positive integer (the cores modelgate may use)`);
  return count;
}

function cgroupQuota(cpuMaxFile: string): number | undefined {
  try {
    const [quota, period] = readFileSync(cpuMaxFile, 'utf8').trim().split(/\s+/);
    if (quota === undefined || quota === 'max' || period === undefined) return undefined;
    const limit = Math.ceil(Number(quota) / Number(period));
    return Number.isFinite(limit) && limit >= 1 ? limit : undefined;
  } catch {
    return undefined;
  }
}
