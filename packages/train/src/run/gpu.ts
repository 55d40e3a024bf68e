import { execFile } from 'node:child_process';

export interface GpuInfo {
  name: string;
  /** As nvidia-smi prints it, e.g. "24576 MiB". */
  memory: string;
}

/**
 * The GPUs nvidia-smi lists, for lineage; undefined when nvidia-smi is not
 * installed or fails (no driver), which is the normal case on CPU runners.
 */
export function detectGpus(): Promise<GpuInfo[] | undefined> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=name,memory.total', '--format=csv,noheader'],
      { timeout: 10_000 },
      (err, stdout) => {
        if (err) return resolve(undefined);
        const gpus = String(stdout)
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line.length > 0)
          .map((line) => {
            const cut = line.lastIndexOf(',');
            return { name: line.slice(0, cut).trim(), memory: line.slice(cut + 1).trim() };
          });
        resolve(gpus.length > 0 ? gpus : undefined);
      },
    );
  });
}

let thisMachine: Promise<GpuInfo[] | undefined> | undefined;

/** detectGpus, asked once per process: a trial records the GPUs its command could use. */
export function machineGpus(): Promise<GpuInfo[] | undefined> {
  thisMachine ??= detectGpus();
  return thisMachine;
}

export function describeGpus(gpus: readonly GpuInfo[]): string {
  return gpus.map((g) => `${g.name} (${g.memory})`).join(', ');
}
