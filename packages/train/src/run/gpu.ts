import { execFile } from 'node:child_process';

export interface GpuInfo {
  name: string;
  /** As nvidia-smi prints it, e.g. "24576 MiB". */
  memory: string;
}

/** One GPU as `nvidia-smi --query-gpu=index,name,memory.total,driver_version` describes it. */
export interface GpuDevice {
  index: string;
  name: string;
  memoryMiB: number | undefined;
  driver: string | undefined;
}

/** What asking nvidia-smi gave: no nvidia-smi, a failing one (no driver, no device), or the GPUs. */
export type GpuQuery =
  | { state: 'absent' }
  | { state: 'failed'; reason: string }
  | { state: 'ok'; gpus: GpuDevice[]; cudaVersion: string | undefined };

const DEVICE_FIELDS = ['index', 'name', 'memory.total', 'driver_version'] as const;

/**
 * Rows of `nvidia-smi --query-gpu=... --format=csv[,noheader]` as values by
 * field name. With a header ("memory.total [MiB]") the names come from it,
 * units stripped; with noheader, from `fields`. A row with more cells than
 * fields had commas in its name: the extra cells go back into `name`.
 */
export function parseNvidiaSmiCsv(text: string, fields?: readonly string[]): Record<string, string>[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const names = fields ?? (lines.shift() ?? '').split(',').map((h) => h.replace(/\[.*\]/, '').trim());
  const nameAt = names.indexOf('name');
  return lines.map((line) => {
    let cells = line.split(',').map((c) => c.trim());
    const extra = cells.length - names.length;
    if (extra > 0 && nameAt >= 0) {
      cells = [
        ...cells.slice(0, nameAt),
        cells.slice(nameAt, nameAt + extra + 1).join(', '),
        ...cells.slice(nameAt + extra + 1),
      ];
    }
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

/** "81559 MiB" or "81559" (nounits) -> 81559; "[N/A]", "N/A", "[Not Supported]" -> undefined. */
export function nvidiaSmiNumber(value: string | undefined): number | undefined {
  const match = /^(-?\d+(?:\.\d+)?)\s*(?:MiB|%|W|MHz)?$/.exec((value ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

/** "CUDA Version: 12.4" from the banner of a plain `nvidia-smi`: the newest CUDA the driver supports. */
export function cudaVersionOf(banner: string): string | undefined {
  return /CUDA Version:\s*([0-9.]+)/.exec(banner)?.[1];
}

export function devicesOf(rows: readonly Record<string, string>[]): GpuDevice[] {
  return rows.map((row, i) => ({
    index: row.index ?? String(i),
    name: row.name ?? '',
    memoryMiB: nvidiaSmiNumber(row['memory.total']),
    driver: row.driver_version || undefined,
  }));
}

interface SmiFailure {
  /** ENOENT when nvidia-smi is not installed. */
  code: string | number | null | undefined;
  /** nvidia-smi's own first line, or the error's. */
  reason: string;
}

function nvidiaSmi(args: readonly string[]): Promise<{ stdout: string } | { error: SmiFailure }> {
  return new Promise((done) => {
    execFile('nvidia-smi', args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (!err) return done({ stdout: String(stdout) });
      const said = `${String(stdout)}\n${String(stderr)}`.trim() || err.message;
      done({ error: { code: err.code, reason: said.split('\n')[0]?.trim() ?? err.message } });
    });
  });
}

/** The GPUs this machine's driver sees, or why there are none: doctor's and trials' view. */
export async function queryGpus(): Promise<GpuQuery> {
  const listed = await nvidiaSmi([`--query-gpu=${DEVICE_FIELDS.join(',')}`, '--format=csv']);
  if ('error' in listed) {
    if (listed.error.code === 'ENOENT') return { state: 'absent' };
    return { state: 'failed', reason: listed.error.reason };
  }
  const gpus = devicesOf(parseNvidiaSmiCsv(listed.stdout));
  const banner = await nvidiaSmi([]);
  return { state: 'ok', gpus, cudaVersion: 'stdout' in banner ? cudaVersionOf(banner.stdout) : undefined };
}

/**
 * The GPUs nvidia-smi lists, for lineage; undefined when nvidia-smi is not
 * installed or fails (no driver), which is the normal case on CPU runners.
 */
export async function detectGpus(): Promise<GpuInfo[] | undefined> {
  const query = await queryGpus();
  if (query.state !== 'ok' || query.gpus.length === 0) return undefined;
  return query.gpus.map((g) => ({
    name: g.name,
    memory: g.memoryMiB === undefined ? '' : `${g.memoryMiB} MiB`,
  }));
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
