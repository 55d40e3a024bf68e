import { renderMarkdownTable, type Table } from '@modelgate/core';
import type { EncodingOptions } from '../preprocess/encoding.js';
import type { SearchResult, TrialRecord } from '../search/driver.js';
import type { SearchSettings } from '../search/settings.js';
import type { SearchSpace } from '../search/space.js';
import type { Params, ParamValue, Task } from '../types.js';
import { type ArtifactsRecord, formatMb, TRIALS_DIR } from './artifacts.js';
import type { SearchMetric } from './metrics.js';

/** A trial as trials.json records it. */
export interface TrialReport {
  id: number;
  /** 1 for the best; failed trials have none. */
  rank: number | null;
  best: boolean;
  candidate: string;
  algorithm?: string;
  command?: string;
  params: Params;
  status: 'ok' | 'stopped' | 'failed';
  /** The search metric on the validation split, at the trial's last rung. */
  value: number | null;
  metrics: Record<string, number>;
  info: Record<string, ParamValue>;
  /** The budget of the last rung in the trainer's unit (halving); null for the full budget. */
  budget: number | null;
  rungs: {
    fraction: number;
    budget: number | null;
    value: number | null;
    status: string;
    carried?: boolean;
  }[];
  durationMs: number;
  error?: string;
  /** A command trial's kept output directory, relative to the training output (trials/<id>). */
  output?: string;
}

export interface TrialsFile {
  version: 1;
  model: string;
  task: Task;
  metric: { name: SearchMetric; lowerIsBetter: boolean; split: 'validation' };
  search: SearchSettings;
  candidates: { label: string; algorithm?: string; command?: string; preprocess?: EncodingOptions }[];
  data: {
    rows: Record<'train' | 'validation' | 'test', number>;
    /** Rows left out because their target is null or NaN. */
    droppedRows: Record<'train' | 'validation' | 'test', number>;
    warnings: string[];
  };
  best: number | null;
  /** Best first: finished trials by the metric, then those halving stopped, then failures. */
  trials: TrialReport[];
  /** What was kept of command trials' output directories; absent without command trials. */
  artifacts?: ArtifactsRecord;
}

function orderKey(record: TrialRecord, lowerIsBetter: boolean): [number, number, number] {
  const last = record.rungs[record.rungs.length - 1];
  const group = record.status === 'ok' ? 0 : record.status === 'stopped' ? 1 : 2;
  const value = last?.value ?? Number.NaN;
  const loss = record.status === 'failed' || !Number.isFinite(value) ? 0 : lowerIsBetter ? value : -value;
  // Among stopped trials, those that got further rank higher.
  return [group, group === 1 ? -(last?.rung ?? 0) : 0, loss];
}

export function trialReports(
  result: SearchResult,
  space: SearchSpace,
  lowerIsBetter: boolean,
): TrialReport[] {
  const sorted = [...result.trials].sort((a, b) => {
    const [x, y] = [orderKey(a, lowerIsBetter), orderKey(b, lowerIsBetter)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || a.id - b.id;
  });
  let rank = 0;
  return sorted.map((record) => {
    const candidate = space[record.point.candidate];
    const last = record.rungs[record.rungs.length - 1];
    const failed = record.status === 'failed';
    return {
      id: record.id,
      rank: failed ? null : ++rank,
      best: record.id === result.best,
      candidate: candidate?.label ?? '?',
      ...(candidate?.algorithm ? { algorithm: candidate.algorithm } : {}),
      ...(candidate?.command ? { command: candidate.command } : {}),
      params: record.point.params,
      status: record.status,
      value: failed ? null : (last?.value ?? null),
      metrics: last?.metrics ?? {},
      info: last?.info ?? {},
      budget: last?.budget ?? null,
      rungs: record.rungs.map((r) => ({
        fraction: r.fraction,
        budget: r.budget ?? null,
        value: r.value ?? null,
        status: r.status,
        ...(r.carried ? { carried: true } : {}),
      })),
      durationMs: record.rungs.reduce((s, r) => s + r.durationMs, 0),
      ...(last?.error ? { error: last.error } : {}),
    };
  });
}

export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function formatParams(params: Params): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return '(defaults)';
  return entries.map(([k, v]) => `${k}=${typeof v === 'number' ? formatValue(v) : String(v)}`).join(', ');
}

/** A trial's error on one line: its first, with the last line of the command's output when it printed one. */
export function failureLine(error: string): string {
  const [first = '', ...rest] = error.split('\n');
  const marker = rest.indexOf('Last lines of its output:');
  const output = marker < 0 ? [] : rest.slice(marker + 1).filter((line) => line.trim() !== '');
  const last = output[output.length - 1];
  return last === undefined ? first : `${first} Last output: ${last.trim()}`;
}

function statusText(trial: TrialReport): string {
  if (trial.status === 'failed') return `failed: ${failureLine(trial.error ?? '')}`;
  if (trial.status === 'stopped')
    return `stopped at ${formatValue(trial.rungs[trial.rungs.length - 1]?.fraction)} budget`;
  return trial.best ? 'best' : 'ok';
}

/** The trials as a table: the terminal (CLI) and trials.md render the same rows. */
export function trialsTable(file: TrialsFile, limit = Number.POSITIVE_INFINITY): Table {
  const companions = [
    ...new Set(file.trials.flatMap((t) => Object.keys(t.metrics)).filter((m) => m !== file.metric.name)),
  ];
  const halving = file.search.halving !== undefined;
  const columns = [
    { header: 'rank', align: 'right' as const },
    { header: 'trial', align: 'right' as const },
    { header: 'candidate', maxChars: 24 },
    { header: 'params', maxChars: 60 },
    { header: `${file.metric.name} (validation)`, align: 'right' as const },
    ...companions.map((m) => ({ header: m, align: 'right' as const })),
    ...(halving ? [{ header: 'budget', align: 'right' as const }] : []),
    { header: 'time', align: 'right' as const },
    { header: 'status', maxChars: 80 },
  ];
  const rows = file.trials
    .slice(0, limit)
    .map((t) => [
      t.rank === null ? '-' : String(t.rank),
      String(t.id),
      t.candidate,
      formatParams(t.params),
      formatValue(t.value),
      ...companions.map((m) => formatValue(t.metrics[m])),
      ...(halving ? [t.budget === null ? 'full' : String(t.budget)] : []),
      formatDuration(t.durationMs),
      statusText(t),
    ]);
  return { columns, rows };
}

/** A fenced block whose fence no backtick run in the text can close. */
function codeBlock(text: string): string[] {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return [fence, text, fence, ''];
}

/** trials.md: what the job summary shows. */
export function renderTrialsMarkdown(file: TrialsFile): string {
  const best = file.trials.find((t) => t.best);
  const ok = file.trials.filter((t) => t.status !== 'failed').length;
  const failed = file.trials.length - ok;
  const failures = file.trials.filter((t) => t.status === 'failed');
  return [
    `### modelgate train: ${file.model}`,
    '',
    best
      ? `Best: trial ${best.id} (${best.candidate}), ${file.metric.name} **${formatValue(best.value)}** on the validation split (${file.metric.lowerIsBetter ? 'lower' : 'higher'} is better).`
      : 'No trial succeeded.',
    '',
    `${file.search.strategy} search, ${file.trials.length} trials (${ok} ran${failed ? `, ${failed} failed` : ''}), seed ${file.search.seed}${file.search.halving ? `, successive halving from ${file.search.halving.minBudget} of the budget, eta ${file.search.halving.eta}` : ''}.`,
    '',
    renderMarkdownTable(trialsTable(file)),
    ...(failures.length > 0
      ? [
          '',
          '<details><summary>Failed trials</summary>',
          '',
          ...failures.flatMap((t) => [`Trial ${t.id} (${t.candidate}):`, '', ...codeBlock(t.error ?? '')]),
          '</details>',
        ]
      : []),
    ...gpuLines(file),
    ...(file.data.warnings.length > 0 ? ['', ...file.data.warnings.map((w) => `> ${w}`)] : []),
    ...artifactLines(file),
    '',
  ].join('\n');
}

const GPU_KEYS = ['cuda_visible_devices', 'gpu_device'] as const;

/**
 * Command trials' devices and what they did on them, for a runner's owner sizing GPUs and --parallel.
 * Failed trials record no info: their exit is in the failed-trials list.
 */
function gpuLines(file: TrialsFile): string[] {
  const trials = file.trials.filter((t) => GPU_KEYS.some((k) => t.info[k] !== undefined));
  if (trials.length === 0) return [];
  const cell = (v: ParamValue | undefined, unit = '') => (v === undefined ? '-' : `${v}${unit}`);
  const table: Table = {
    columns: [
      { header: 'trial', align: 'right' },
      { header: 'CUDA_VISIBLE_DEVICES' },
      { header: 'GPU', maxChars: 40 },
      { header: 'peak memory', align: 'right' },
      { header: 'peak / mean utilisation', align: 'right' },
      { header: 'wall time', align: 'right' },
      { header: 'exit', maxChars: 60 },
    ],
    rows: trials.map((t) => [
      String(t.id),
      cell(t.info.cuda_visible_devices),
      cell(t.info.gpu_device),
      cell(t.info.gpu_peak_memory_mib, ' MiB'),
      t.info.gpu_peak_utilization_pct === undefined
        ? '-'
        : `${t.info.gpu_peak_utilization_pct}% / ${cell(t.info.gpu_mean_utilization_pct, '%')}`,
      formatDuration(t.durationMs),
      cell(t.info.exit_reason),
    ]),
  };
  return [
    '',
    'GPU use of command trials (memory and utilisation of the devices, polled each second with nvidia-smi):',
    '',
    renderMarkdownTable(table),
  ];
}

function artifactLines(file: TrialsFile): string[] {
  const kept = file.trials.filter((t) => t.output !== undefined);
  if (!file.artifacts?.keep || kept.length === 0) return [];
  const best = file.trials.find((t) => t.best && t.output !== undefined);
  const lines = [
    '',
    `Each command trial's output (output.log, its files) is kept under \`${TRIALS_DIR}/<id>/\`${best ? `; the best trial's also under \`trainer/\` beside model.onnx` : ''}.`,
  ];
  const { leftOut, maxMb } = file.artifacts;
  for (const f of leftOut.slice(0, 10)) {
    lines.push(`> Left out (train.artifacts.max_mb ${maxMb}): \`${f.path}\` (${formatMb(f.bytes)})`);
  }
  if (leftOut.length > 10)
    lines.push(`> … and ${leftOut.length - 10} more files left out (trials.json lists them)`);
  return lines;
}
