import { basename, join, resolve } from 'node:path';
import {
  type GateConfig,
  type GateRules,
  isCostMetric,
  loadDataset,
  type MetricName,
  type MonitorConfigFile,
  type Task,
  UserError,
  withDatabase,
} from '@modelgate/core';
import { collectGateEvidence, evaluateGate, evaluationSettings, resolveGate } from '@modelgate/evaluate';
import {
  agreementPercent,
  compareShadow,
  findPredictionLog,
  isDirectory,
  modelLogs,
  type OnlineJudge,
  parseChunkSpec,
  renderCompareMarkdown,
  type ShadowComparison,
} from '@modelgate/monitor';
import { showVersion } from '@modelgate/registry';
import type { CommandOutcome } from '../outcome.js';
import { writeReportFiles } from './monitor-output.js';

export const COMPARE_FILES = { json: 'compare.json', markdown: 'compare.md' } as const;

export interface CompareFlags {
  model?: string;
  registry: string;
  current: string;
  out: string;
  chunk?: string;
  labels?: string;
  labelColumn?: string;
}

/** monitor's flags that --compare has no use for: refused rather than silently ignored. */
const NOT_FOR_COMPARE = {
  reference: '--reference',
  format: '--format',
  time: '--time',
  prediction: '--prediction',
  baselineChunks: '--baseline-chunks',
  minChunkRows: '--min-chunk-rows',
  outlierThreshold: '--outlier-threshold',
  sigma: '--sigma',
  method: '--method',
  threshold: '--threshold',
  driftShare: '--drift-share',
  labelId: '--label-id',
  referenceData: '--reference-data',
} as const;

function refuseOtherFlags(flags: object): void {
  const given = Object.entries(NOT_FOR_COMPARE)
    .filter(([key]) => (flags as Record<string, unknown>)[key] !== undefined)
    .map(([, flag]) => flag);
  if (given.length > 0) {
    throw new UserError(
      `${given.join(', ')}: not used with --compare, which takes --current <log dir>, --model, --labels, --label-column, --chunk and --out.`,
    );
  }
}

/**
 * The gate's rules as live rows can judge them: cost metrics are one
 * measurement per model (judged on the holdout) and live rows carry no slices.
 */
function onlineRules(rules: GateRules): { rules: GateRules; left: string[] } {
  const out: GateRules = {};
  const left: string[] = [];
  for (const [metric, rule] of Object.entries(rules) as [MetricName, GateRules[MetricName]][]) {
    if (!rule) continue;
    if (isCostMetric(metric)) {
      left.push(metric);
      continue;
    }
    const { per_slice: perSlice, ...rest } = rule;
    if (perSlice) left.push(`${metric} per_slice`);
    out[metric] = rest;
  }
  return { rules: out, left };
}

/** evaluate's holdout gate (the same rules, intervals, margins and MDE) applied to paired live rows. */
export function onlineJudge(config: MonitorConfigFile | undefined, task: Task): OnlineJudge {
  const gate = resolveGate(config?.gate as GateConfig, task);
  const { rules, left } = onlineRules(gate.rules);
  const bootstrap = evaluationSettings(config?.evaluate ?? {}).bootstrap;
  const notes = [
    gate.note,
    left.length > 0 ? `not judged on live rows (no per-row values): ${left.join(', ')}` : null,
  ].filter((n): n is string => n !== null);
  return ({ production, shadow }) => {
    const evidence = collectGateEvidence({ rules, challenger: shadow, champion: production, bootstrap });
    const verdict = evaluateGate(rules, evidence);
    return {
      pass: verdict.pass,
      summary: verdict.summary,
      note: notes.length > 0 ? notes.join('; ') : null,
      outcomes: verdict.outcomes,
    };
  };
}

/**
 * The model --model names: from the registry, with its task, classes and label column. A model served
 * from a file (`serve --model penguins.onnx` logs under `penguins/`) is in no registry: then only its
 * name, with why the registry had none, to say if no log is under that name either.
 */
async function modelOf(flags: CompareFlags) {
  if (!flags.model) return null;
  try {
    const { name, metadata } = await showVersion(flags.registry, flags.model);
    return {
      name,
      task: metadata.task as Task | null,
      classes: metadata.classes ?? [],
      target: metadata.target,
      notRegistered: null,
    };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { name: flags.model, task: null, classes: [], target: null, notRegistered: err.message };
  }
}

function textOf(report: ShadowComparison, written: string): string {
  const w = report.window;
  const outputs =
    report.task === 'regression'
      ? `mean difference ${w.difference?.mean ?? '–'}`
      : `agreement ${w.agreement === null ? '–' : agreementPercent(w.agreement)}`;
  return [
    report.verdict.summary,
    `${report.rows.paired} rows scored by both models (${report.rows.productionOnly} by production only, ${report.rows.shadowOnly} by the shadow only); ${outputs}; output drift: ${w.drift.drift ? 'yes' : 'no'}.`,
    ...(report.gate?.outcomes.map((o) => `  ${o.status} ${o.metric} ${o.rule}: ${o.reason}`) ?? []),
    ...report.notes.map((n) => `${n.level}: ${n.message}`),
    '',
    written,
  ].join('\n');
}

/** `modelgate monitor --compare`: production and its shadow on the same logged requests. */
export async function monitorCompare(
  flags: CompareFlags,
  config: MonitorConfigFile | undefined,
): Promise<CommandOutcome> {
  refuseOtherFlags(flags);
  if (!(await isDirectory(flags.current))) {
    throw new UserError(
      `--current ${flags.current}: --compare reads a prediction log directory (predictions-*.jsonl and shadow-*.jsonl).`,
    );
  }
  const model = await modelOf(flags);
  const name = model?.name ?? config?.model;
  const log = await findPredictionLog(flags.current, name);
  if (model?.notRegistered && (!log || basename(resolve(log.dir)) !== model.name)) {
    throw new UserError(
      `--model ${flags.model}: ${model.notRegistered} For a model served from a file, pass the name its log is under in --current, or leave --model out.`,
    );
  }
  if (!log) {
    const models = (await modelLogs(flags.current)).map((m) => join(flags.current, m.model));
    throw new UserError(
      models.length > 1
        ? `--current ${flags.current}: the logs of ${models.length} models are here: pass one of ${models.join(', ')}.`
        : `--current ${flags.current}: no prediction log here (predictions-*.jsonl).`,
    );
  }
  const task = (model?.task ?? config?.task) || undefined;
  const report = await withDatabase(async (db) => {
    const labelColumn = flags.labelColumn ?? config?.target ?? model?.target ?? undefined;
    if (flags.labels && !labelColumn) {
      throw new UserError(
        `--labels ${flags.labels}: which column is the label? Pass --label-column <column>.`,
      );
    }
    const labels =
      flags.labels && labelColumn
        ? {
            dataset: await loadDataset(db, { path: flags.labels }, { table: 'labels' }),
            column: labelColumn,
            source: flags.labels,
          }
        : undefined;
    let judge: ReturnType<typeof onlineJudge> | undefined;
    const result = await compareShadow(db, log, {
      model: name ?? null,
      ...(task ? { task } : {}),
      ...(model && model.classes.length > 0 ? { classes: model.classes } : {}),
      ...(flags.chunk ? { chunk: parseChunkSpec(flags.chunk) } : {}),
      ...(labels ? { labels } : {}),
      // One gate for the run: the task is the same for every chunk and the window.
      judge: (rows) => {
        judge ??= onlineJudge(config, rows.production.task);
        return judge(rows);
      },
    });
    return result;
  });
  const markdown = renderCompareMarkdown(report);
  const written = await writeReportFiles(flags.out, COMPARE_FILES, report, markdown);
  return {
    exitCode: report.verdict.status === 'fail' ? 1 : 0,
    data: report,
    text: textOf(report, written),
    summary: markdown,
  };
}
