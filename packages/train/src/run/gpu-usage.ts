import { execFile } from 'node:child_process';
import { nvidiaSmiNumber, parseNvidiaSmiCsv } from './gpu.js';

const SAMPLE_FIELDS = ['index', 'name', 'memory.used', 'utilization.gpu'] as const;
const SAMPLE_EVERY_MS = 1000;

/** One poll of the devices a trial may use. */
export interface GpuSample {
  names: string[];
  /** Memory in use on those devices together (every process on them, not the trial's alone). */
  memoryMiB: number;
  /** The busiest device's utilisation. */
  utilization: number;
}

/** What a trial's devices did while its command ran. */
export interface GpuUsage {
  name: string;
  peakMemoryMiB: number;
  peakUtilization: number;
  meanUtilization: number;
  samples: number;
}

/** Reads `nvidia-smi --query-gpu=index,name,memory.used,utilization.gpu --format=csv,noheader` output. */
export function parseGpuSample(text: string): GpuSample | undefined {
  const rows = parseNvidiaSmiCsv(text, SAMPLE_FIELDS);
  if (rows.length === 0) return undefined;
  return {
    names: rows.map((r) => r.name ?? ''),
    memoryMiB: rows.reduce((sum, r) => sum + (nvidiaSmiNumber(r['memory.used']) ?? 0), 0),
    utilization: Math.max(...rows.map((r) => nvidiaSmiNumber(r['utilization.gpu']) ?? 0)),
  };
}

export function summariseSamples(samples: readonly GpuSample[]): GpuUsage | undefined {
  if (samples.length === 0) return undefined;
  const utilizations = samples.map((s) => s.utilization);
  return {
    name: [...new Set(samples.flatMap((s) => s.names))].join(', '),
    peakMemoryMiB: Math.max(...samples.map((s) => s.memoryMiB)),
    peakUtilization: Math.max(...utilizations),
    meanUtilization: Math.round(utilizations.reduce((a, b) => a + b, 0) / utilizations.length),
    samples: samples.length,
  };
}

function sample(devices: string | undefined): Promise<GpuSample | undefined> {
  const args = [`--query-gpu=${SAMPLE_FIELDS.join(',')}`, '--format=csv,noheader'];
  if (devices) args.push('-i', devices);
  return new Promise((done) => {
    execFile('nvidia-smi', args, { timeout: 5_000 }, (err, stdout) =>
      done(err ? undefined : parseGpuSample(String(stdout))),
    );
  });
}

/**
 * Polls nvidia-smi every second for the devices in `visible` (a
 * CUDA_VISIBLE_DEVICES value; all when unset) until `stop`. Without
 * nvidia-smi the first poll fails and polling ends: stop() gives undefined.
 */
export function watchGpus(visible: string | undefined): { stop(): Promise<GpuUsage | undefined> } {
  const samples: GpuSample[] = [];
  let stopped = false;
  let pending: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const poll = () => {
    pending = sample(visible).then((s) => {
      if (!s) return;
      samples.push(s);
      if (!stopped) timer = setTimeout(poll, SAMPLE_EVERY_MS);
    });
  };
  poll();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await pending;
      return summariseSamples(samples);
    },
  };
}

/** The devices parallel trials share out: CUDA_VISIBLE_DEVICES's entries when set, else the GPUs' indices. */
export function visibleDevices(cudaVisible: string | undefined, indices: readonly string[]): string[] {
  if (cudaVisible === undefined) return [...indices];
  return cudaVisible
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d.length > 0 && d !== '-1');
}

/**
 * The device of parallel slot `slot`: round robin over the visible devices,
 * so N workers on N GPUs get one each. Undefined with fewer than two devices:
 * the trial inherits what the runner was given.
 */
export function deviceForSlot(slot: number, devices: readonly string[]): string | undefined {
  if (devices.length < 2) return undefined;
  return devices[slot % devices.length];
}
