import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COST_METRICS,
  DEFAULT_CONFIG_FILE,
  type MetricName,
  pathExists,
  predictionMetrics,
  type Table,
  UserError,
  withDatabase,
  withStagedOutputs,
} from '@modelgate/core';
import {
  EVALUATION_FILES,
  type EvaluationDocument,
  evaluateModels,
  formatNumber,
  formatSigned,
  metricDifference,
  metricNumber,
  writeEvaluation,
} from '@modelgate/evaluate';
import { loadSettings, readStages } from '@modelgate/registry';
import { type ModelFile, openModel, registryModel, type SpecFlags } from '@modelgate/runtime';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { parseFormat } from '../flags.js';
import { FORCE_FLAG, requireFreshOutDir } from '../out-path.js';
import type { CommandOutcome, Finding } from '../outcome.js';
import { configData, type FoundConfig, findConfig } from '../project.js';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { withProgress } from '../with-progress.js';
import { addDeviceOption, type DeviceFlags, deviceProvider } from './device-option.js';
import { addRegistryOption, type RegistryFlags } from './registry-options.js';
import { addSpecOptions, specFlagsOf } from './spec-options.js';

interface EvaluateFlags extends RegistryFlags, SpecFlags, DeviceFlags {
  model: string;
  data?: string;
  format?: string;
  config?: string;
  splits?: string;
  /** A file, a registry reference, or false for --no-baseline. */
  baseline?: string | false;
  out?: string;
  force?: boolean;
}

const NOTES = `
The task, target and gate rules come from the config (gate:, and evaluate: for slices,
bootstrap and timing settings). The holdout is --data, else the test split of --splits,
else the test split of the config's data, split as 'modelgate train' does.
The champion is --baseline (a model file, or a registry reference such as
penguins-species#production or penguins-species@v3), else the model in the registry's
last stage (evaluate.champion_stage overrides); without one the gate uses the absolute
thresholds (min, max) alone and says so. Registered models are loaded only after their
sha256 matches the registry's record. With no gate: in the config, a default gate applies
(non-inferiority at 0.01 on the task's primary metric) and the report says so; gate: none
turns the gate off. How the gate decides, and how often it errs: packages/evaluate/GATE.md.
A model's features and classes come from the spec it records (ONNX metadata, or the
metadata.json beside it); for an ONNX file trained elsewhere, from --spec or --features/--classes,
else from the training split of the config's data.
Writes evaluation.json, report.md (for a PR comment) and report.html into --out, also
when the gate fails. Exit codes: 0 pass, 1 the gate fails, 2 bad input.`;

export function registerEvaluate(program: Command, wrap: Wrap): void {
  const command = addRegistryOption(
    program
      .command('evaluate')
      .description('evaluate a model on the holdout and gate it against the champion')
      .requiredOption(
        '-m, --model <model.onnx|dir|ref>',
        'the challenger: an ONNX model, a training output directory, or a registry reference',
      )
      .option(
        '-d, --data <file|glob>',
        'the holdout (default: the test split of --splits or of the config data)',
      )
      .option('-f, --format <format>', 'format of --data (default: from the extension)')
      .option('-c, --config <file>', `config file (default: ${DEFAULT_CONFIG_FILE})`)
      .option('--splits <dir>', 'a split directory from `modelgate split`: its test split is the holdout')
      .option(
        '--baseline <model|ref>',
        'the champion: an ONNX file or a registry reference (name#stage, name@v3)',
      )
      .option('--no-baseline', 'no champion: judge the absolute thresholds alone')
      .option('-o, --out <dir>', 'directory for evaluation.json, report.md and report.html (required)')
      .option(FORCE_FLAG, 'replace the evaluation.json and reports of an earlier run in --out'),
  );
  addSpecOptions(addDeviceOption(command))
    .addHelpText('after', NOTES)
    .action(wrap<EvaluateFlags>((flags, ctx) => runEvaluate(flags, ctx)));
}

async function requireConfig(file: string | undefined): Promise<FoundConfig> {
  const found = await findConfig(file);
  if (found) return found;
  throw new UserError(
    `evaluate needs a config (task, target and gate rules): no ${DEFAULT_CONFIG_FILE} here. Pass --config <file>.`,
  );
}

interface Champion {
  file?: ModelFile;
  /** Why there is none. */
  note?: string;
}

/** `#production` and `@v3` name a version of the configured model. */
function fullRef(ref: string, model: string): string {
  return ref.startsWith('#') || ref.startsWith('@') ? `${model}${ref}` : ref;
}

function explicitChampion(baseline: string, registry: string, model: string): Promise<ModelFile> {
  // A bare `#production` or `@v3` names a version of the configured model; a path that exists is a file.
  const arg = baseline.startsWith('#') || baseline.startsWith('@') ? fullRef(baseline, model) : baseline;
  return openModel(arg, { registry, flag: '--baseline' });
}

/** The registry's champion: the configured model's version in the champion stage, if there is one. */
async function registryChampion(registry: string, model: string, stageSetting?: string): Promise<Champion> {
  if (!(await pathExists(join(registry, model)))) {
    return { note: `${model} is not in the registry (${registry}) yet` };
  }
  const stage = stageSetting ?? (await loadSettings(registry)).settings.stages.at(-1) ?? 'production';
  const version = (await readStages(registry, model))[stage];
  if (!version) return { note: `${model} has no version in ${stage} yet` };
  return { file: await registryModel(registry, `${model}#${stage}`, stage) };
}

async function findChampion(flags: EvaluateFlags, found: FoundConfig): Promise<Champion> {
  const model = found.config.model;
  if (flags.baseline === false) return { note: '--no-baseline' };
  if (flags.baseline) return { file: await explicitChampion(flags.baseline, flags.registry, model) };
  return registryChampion(flags.registry, model, found.config.evaluate.champion_stage);
}

async function withWorkDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-evaluate-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runEvaluate(flags: EvaluateFlags, ctx: CliContext): Promise<CommandOutcome> {
  const out = flags.out;
  if (!out) throw new UserError('--out <dir>: required: the directory for evaluation.json and the reports.');
  await requireFreshOutDir(
    '--out',
    out,
    'evaluation.json and the reports',
    Object.values(EVALUATION_FILES),
    flags.force === true,
  );
  const found = await requireConfig(flags.config);
  const format = parseFormat(flags.format);
  if (format && !flags.data) throw new UserError('--format applies to --data, which is not given.');
  const provider = await deviceProvider(flags, found.config, ctx);
  const challenger = await openModel(flags.model, { registry: flags.registry });
  const champion = await findChampion(flags, found);
  const document = await withProgress(ctx, 'evaluate', (progress) =>
    withWorkDir((workDir) =>
      withDatabase((db) =>
        evaluateModels(db, {
          config: found.config,
          challenger,
          challengerSpec: specFlagsOf(flags),
          ...(champion.file ? { champion: champion.file } : {}),
          ...(champion.note ? { championNote: champion.note } : {}),
          ...(flags.data ? { holdout: format ? { path: flags.data, format } : { path: flags.data } } : {}),
          ...(flags.splits ? { splits: flags.splits } : {}),
          data: configData(found),
          workDir,
          provider,
          onProgress: (fraction, detail) => progress.update(fraction, detail),
        }),
      ),
    ),
  );
  const { result: reports } = await withStagedOutputs(out, (dir) => writeEvaluation(dir, document));
  const outputs = Object.values(EVALUATION_FILES).map((f) => join(out, f));
  for (const warning of document.warnings) ctx.log(`warning: ${warning}`);
  return {
    exitCode: document.gate.pass ? 0 : 1,
    data: {
      verdict: document.verdict,
      summary: document.gate.summary,
      model: document.model,
      challenger: document.challenger.label,
      champion: document.champion?.label ?? null,
      holdout: { source: document.holdout.source, rows: document.holdout.rows },
      metrics: document.metrics,
      rules: document.gate.rules,
      provider,
      outputs,
    },
    text: renderText(document, outputs),
    summary: reports.markdown,
    findings: findings(document),
  };
}

function findings(doc: EvaluationDocument): Finding[] {
  return [
    ...doc.gate.rules
      .filter((o) => o.status === 'fail')
      .map((o): Finding => ({ level: 'error', title: `gate: ${o.metric} ${o.rule}`, message: o.reason })),
    ...doc.warnings.map((message): Finding => ({ level: 'warning', message })),
  ];
}

const MARK = { pass: '✓', fail: '✗', skipped: '-' } as const;

function metricsTable(doc: EvaluationDocument): Table {
  const champion = doc.champion;
  const byMetric = new Map(doc.comparisons.map((c) => [c.metric, c]));
  const value = (v: unknown) =>
    typeof v === 'number' ? formatNumber(v) : v === undefined ? '-' : 'undefined';
  const names: MetricName[] = [...predictionMetrics(doc.task), ...COST_METRICS];
  return {
    columns: [
      { header: 'metric' },
      ...(champion ? [{ header: 'champion', align: 'right' as const }] : []),
      { header: 'challenger', align: 'right' },
      ...(champion ? [{ header: 'Δ', align: 'right' as const }, { header: 'interval of Δ' }] : []),
    ],
    rows: names.map((m) => {
      const c = byMetric.get(m);
      const interval = c && !('undefined' in c.interval) ? c.interval : undefined;
      const difference =
        metricNumber(c?.difference) ?? metricDifference(doc.metrics[m], champion?.metrics[m]);
      return [
        m,
        ...(champion ? [value(champion.metrics[m])] : []),
        value(doc.metrics[m]),
        ...(champion
          ? [
              difference === undefined ? '-' : formatSigned(difference),
              interval ? `[${formatSigned(interval.low)}, ${formatSigned(interval.high)}]` : '-',
            ]
          : []),
      ];
    }),
  };
}

function renderText(doc: EvaluationDocument, outputs: string[]): string {
  const versus = doc.champion
    ? `champion ${doc.champion.label}`
    : `no champion${doc.championNote ? ` (${doc.championNote})` : ''}`;
  return [
    `Evaluated ${doc.challenger.label} on ${doc.holdout.source} (${doc.holdout.rows} rows) against ${versus}.`,
    `Gate: ${doc.gate.summary}`,
    ...doc.gate.rules.map((o) => `  ${MARK[o.status]} ${o.metric} ${o.rule}: ${o.reason}`),
    '',
    renderTextTable(metricsTable(doc), '  '),
    '',
    `Wrote ${outputs.join(', ')}.`,
    '',
  ].join('\n');
}
