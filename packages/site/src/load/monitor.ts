import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MONITOR_FORMAT, type MonitorReport } from '@modelgate/monitor';
import type { Problems } from '../problems.js';

export const MONITOR_FILE = 'monitor.json';

/** One monitoring run of a model, as the site shows it. */
export interface MonitorRun {
  /** The file, as found under the --monitor path. */
  file: string;
  /** When it ran (createdAt), else the end of the data it watched; null when neither is known. */
  date: string | null;
  version: string | null;
  status: MonitorStatus;
  report: MonitorReport;
}

export type MonitorStatus = 'quiet' | 'drift' | 'performance drop' | 'no data';

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** monitor.json files under a directory (any depth), or the file itself. */
async function monitorFiles(path: string, problems: Problems): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    problems.add('warning', path, 'no such file or directory (--monitor)');
    return [];
  }
  if (info.isFile()) return [path];
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    await Promise.all(
      entries.map(async (e) => {
        if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) await walk(join(dir, e.name));
        else if (e.isFile() && e.name === MONITOR_FILE) found.push(join(dir, e.name));
      }),
    );
  };
  await walk(path);
  if (found.length === 0) problems.add('warning', path, `no ${MONITOR_FILE} found (--monitor)`);
  return found.sort();
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The parts of a monitor.json the pages read; a file without them is named, not drawn. */
function shapeProblem(doc: Record<string, unknown>): string | null {
  if (doc.format !== MONITOR_FORMAT) {
    return `format is ${JSON.stringify(doc.format) ?? 'missing'}, expected "${MONITOR_FORMAT}" (a monitor.json from modelgate monitor)`;
  }
  const verdict = doc.verdict;
  if (!isObject(verdict) || typeof verdict.alert !== 'boolean' || !Array.isArray(verdict.alerts))
    return 'verdict: expected {alert, headline, alerts}';
  if (!isObject(doc.window)) return 'window: expected an object';
  if (!isObject(doc.current)) return 'current: expected an object';
  for (const key of ['columns', 'chunks', 'series'] as const)
    if (!Array.isArray(doc[key])) return `${key}: expected a list`;
  return null;
}

export function monitorStatus(report: MonitorReport): MonitorStatus {
  const kinds = new Set(report.verdict.alerts.map((a) => a.kind));
  if (kinds.has('performance')) return 'performance drop';
  if (kinds.has('no_rows')) return 'no data';
  if (report.verdict.alert) return 'drift';
  return 'quiet';
}

async function readRun(file: string, problems: Problems): Promise<MonitorRun | undefined> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    problems.caught('error', file, err);
    return undefined;
  }
  const why = isObject(doc) ? shapeProblem(doc) : 'expected a JSON object';
  if (why) {
    problems.add('error', file, `${why}; skipped`);
    return undefined;
  }
  const report = doc as MonitorReport;
  if (!isObject(report.model) || typeof report.model.name !== 'string') {
    problems.add('warning', file, 'model: none recorded (run with --model name#stage); skipped');
    return undefined;
  }
  return {
    file,
    date: [report.createdAt, report.current.end].find((d): d is string => typeof d === 'string') ?? null,
    version: typeof report.model.version === 'string' ? report.model.version : null,
    status: monitorStatus(report),
    report,
  };
}

/** Every monitoring run under the --monitor paths, by model name, oldest first. */
export async function loadMonitoring(
  paths: readonly string[],
  models: readonly string[],
  problems: Problems,
): Promise<Map<string, MonitorRun[]>> {
  const files = (await Promise.all(paths.map((p) => monitorFiles(p, problems)))).flat();
  const runs = (await Promise.all(files.map((f) => readRun(f, problems)))).filter(
    (r): r is MonitorRun => r !== undefined,
  );
  const byModel = new Map<string, MonitorRun[]>();
  for (const run of runs) {
    const name = run.report.model?.name ?? '';
    if (!models.includes(name)) {
      problems.add('warning', run.file, `model ${JSON.stringify(name)} is not in the registry; skipped`);
      continue;
    }
    byModel.set(name, [...(byModel.get(name) ?? []), run]);
  }
  for (const list of byModel.values())
    list.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '') || a.file.localeCompare(b.file));
  return byModel;
}
