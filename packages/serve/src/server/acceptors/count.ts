import { UserError, usableCores } from '@modelgate/core';
import type { ExecutionProvider } from '@modelgate/runtime';

/** `--acceptors`: a number of HTTP acceptor processes, or `auto`. */
export type AcceptorCount = number | 'auto';

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

/**
 * Each acceptor's share of the cores, handed to it as MODELGATE_CORES: its inference workers and their
 * onnxruntime threads count from the share, so N acceptors together use the machine's cores once.
 */
export function coresPerAcceptor(acceptors: number, cores = usableCores()): number {
  return Math.max(1, Math.floor(cores / acceptors));
}
