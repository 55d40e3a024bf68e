import type { ModelgateConfig } from '@modelgate/core';
import { chooseDevice, type ExecutionProvider, resolveDevice } from '@modelgate/runtime';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export interface DeviceFlags {
  device?: string;
}

export function addDeviceOption(command: Command): Command {
  return command.option(
    '--device <device>',
    'where the model runs: cpu, cuda, or auto (CUDA when it can, else the CPU). Default: $MODELGATE_DEVICE, else runtime.device in modelgate.yaml, else cpu',
  );
}

/** The provider every session of this command uses; a cuda that cannot run is exit 2 before any work. */
export function deviceProvider(
  flags: DeviceFlags,
  config: ModelgateConfig | undefined,
  ctx: CliContext,
): Promise<ExecutionProvider> {
  const device = chooseDevice({
    flag: flags.device,
    env: process.env.MODELGATE_DEVICE,
    config: config?.runtime?.device,
  });
  return resolveDevice(device, (line) => ctx.log(line));
}
