import { UserError } from '@modelgate/core';
import { probeProvider } from './probe.js';

export const DEVICES = ['auto', 'cpu', 'cuda'] as const;
/** What a user asks for: --device, runtime.device, MODELGATE_DEVICE. */
export type Device = (typeof DEVICES)[number];
/** What a session really runs on. */
export type ExecutionProvider = 'cpu' | 'cuda';

export const CUDA_INSTALL_HINT =
  'install the CUDA build of onnxruntime-node (ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci) on a machine with an NVIDIA driver; see RUNNERS.md';

/** `source` names where the value came from: "--device", "modelgate.yaml: runtime.device", "MODELGATE_DEVICE". */
export function parseDevice(value: string, source: string): Device {
  const device = value.trim().toLowerCase();
  if ((DEVICES as readonly string[]).includes(device)) return device as Device;
  throw new UserError(`${source}: expected auto, cpu or cuda, got '${value}'`);
}

export interface DeviceChoice {
  /** The first that is set wins: the flag, then the runner's environment, then the project's config. */
  flag?: string | undefined;
  env?: string | undefined;
  config?: Device | undefined;
}

/** The device asked for; cpu when nothing says otherwise, so an unconfigured run is today's. */
export function chooseDevice(choice: DeviceChoice): Device {
  if (choice.flag !== undefined) return parseDevice(choice.flag, '--device');
  if (choice.env !== undefined && choice.env.trim() !== '')
    return parseDevice(choice.env, 'MODELGATE_DEVICE');
  return choice.config ?? 'cpu';
}

/**
 * Turns a device into the provider every session of this run uses. auto takes
 * CUDA only when a CUDA session really runs, else the CPU with one line to
 * `log`; cuda that cannot run is a UserError saying why and how to fix it.
 */
export async function resolveDevice(device: Device, log: (line: string) => void): Promise<ExecutionProvider> {
  if (device === 'cpu') return 'cpu';
  const cuda = await probeProvider('cuda');
  if (cuda.ok) return 'cuda';
  if (device === 'cuda') {
    throw new UserError(
      `device cuda: onnxruntime-node cannot create a CUDA session (${cuda.reason}); ${CUDA_INSTALL_HINT}`,
    );
  }
  log(`device auto: using the CPU; no CUDA session (${cuda.reason})`);
  return 'cpu';
}
