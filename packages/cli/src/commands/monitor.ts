import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Database,
  type DataProfile,
  type Dataset,
  loadDataset,
  loadMonitorConfig,
  type ModelgateConfig,
  type MonitorConfigFile,
  parseProfile,
  readProfile,
  UserError,
  withDatabase,
} from '@modelgate/core';
import {
  type Chunk,
  columnsTable,
  findPredictionLog,
  isDirectory,
  loadPredictionLog,
  logServingSeries,
  type ModelInfo,
  type MonitorOptions,
  type MonitorReport,
  monitorDataset,
  monitorOptionsFromConfig,
  monitorProfiles,
  type PredictionLogFiles,
  parseChunkSpec,
  predictionLogOptions,
  readLogProfiles,
  readProfileDir,
  renderMonitorMarkdown,
  setAsideProfileNotes,
} from '@modelgate/monitor';
import { digestBytes, REGISTRY_FILES, showVersion } from '@modelgate/registry';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collectFlag, parseFormat, parseNumber, parsePositive } from '../flags.js';
import { FORCE_FLAG, requireFreshOutDir } from '../out-path.js';
import type { CommandOutcome, Finding } from '../outcome.js';
import { findConfigWith } from '../project.js';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { withProgress } from '../with-progress.js';
import { addDeviceOption, type DeviceFlags, deviceProvider } from './device-option.js';
import { COMPARE_FILES, monitorCompare } from './monitor-compare.js';
import { type DriftFlags, driftOptionsWithFlags } from './monitor-drift-flags.js';
import { type MonitoredModel, monitoredModel } from './monitor-model.js';
import { writeReportFiles } from './monitor-output.js';
import { type PerformanceFlags, performanceInput } from './monitor-performance.js';
import { addRegistryOption, type RegistryFlags } from './registry-options.js';

export const MONITOR_FILES = { json: 'monitor.json', markdown: 'monitor.md' } as const;
const DEFAULT_OUT = 'monitor';
const TITLE = 'modelgate monitor';
const MAX_TEXT_COLUMNS = 15;
const MAX_TEXT_ALERTS = 10;
const MAX_ANNOTATIONS = 50;

/** A config as monitor reads it: only what monitoring uses is required. */
interface FoundConfig {
  config: MonitorConfigFile;
  file: string;
}

interface MonitorFlags extends RegistryFlags, PerformanceFlags, DeviceFlags, DriftFlags {
  model?: string;
  reference?: string;
  current: string;
  format?: string;
  config?: string;
  out: string;
  force?: boolean;
  chunk?: string;
  time?: string;
  prediction?: string;
  baselineChunks?: string;
  minChunkRows?: string;
  outlierThreshold?: string;
  sigma?: string;
  compare?: boolean;
}

interface Reference {
  profile: DataProfile;
  source: string;
  model: ModelInfo | null;
  /** The label column the registry recorded for the model. */
  target: string | null;
  /** The registered model, to score data and compare with its holdout metrics. */
  monitored: MonitoredModel | null;
}

/** The version's reference-profile.json, read only after its sha256 matches metadata.json. */
async function registryReference(registry: string, ref: string): Promise<Reference> {
  const { name, version, path, metadata, stages } = await showVersion(registry, ref);
  const file = join(path, REGISTRY_FILES.referenceProfile);
  const recorded = metadata.files[REGISTRY_FILES.referenceProfile];
  if (!recorded) {
    throw new UserError(
      `--model ${ref}: ${name} ${version} has no ${REGISTRY_FILES.referenceProfile} (train writes one). Pass --reference <profile.json> instead.`,
    );
  }
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`${file}: ${err.code === 'ENOENT' ? 'missing' : err.message}.`);
  });
  const { sha256 } = digestBytes(bytes);
  if (sha256 !== recorded.sha256) {
    throw new UserError(
      `${file}: refusing to use it: sha256 ${sha256} does not match metadata.json's ${recorded.sha256}.`,
    );
  }
  return {
    profile: parseProfile(new TextDecoder().decode(bytes), file),
    source: file,
    model: { name, version, stages },
    target: metadata.target,
    monitored: monitoredModel(path, `${name} ${version}`, metadata),
  };
}

async function reference(flags: MonitorFlags): Promise<Reference> {
  if (flags.model && flags.reference) {
    throw new UserError(
      '--model and --reference: pass one. --model reads the version’s reference profile from the registry.',
    );
  }
  if (flags.reference) {
    return {
      profile: await readProfile(flags.reference),
      source: flags.reference,
      model: null,
      target: null,
      monitored: null,
    };
  }
  if (flags.model) return registryReference(flags.registry, flags.model);
  throw new UserError(
    '--model or --reference: missing. Name a registered model (--model penguins#production) or a reference-profile.json.',
  );
}

/** Bands need a spread, so at least two chunks. */
function baselineChunksFlag(value: string | undefined): number | undefined {
  const n = parseNumber('baseline-chunks', value, true);
  if (n !== undefined && n < 2) {
    throw new UserError(
      `--baseline-chunks '${value}': expected an integer of 2 or more (the bands need a spread).`,
    );
  }
  return n;
}

/** Flags over the config (its time, target, id columns and monitor section) over the defaults. */
function monitorOptions(flags: MonitorFlags, found: FoundConfig | undefined, ref: Reference): MonitorOptions {
  const fromConfig = monitorOptionsFromConfig(found?.config);
  const target = fromConfig.target ?? ref.target ?? undefined;
  const baselineChunks = baselineChunksFlag(flags.baselineChunks);
  const minChunkRows = parsePositive('min-chunk-rows', flags.minChunkRows, true);
  const outlierThreshold = parsePositive('outlier-threshold', flags.outlierThreshold);
  const sigma = parsePositive('sigma', flags.sigma);
  return {
    ...fromConfig,
    drift: driftOptionsWithFlags(fromConfig.drift ?? {}, flags, ref.profile),
    ...(flags.chunk ? { chunk: parseChunkSpec(flags.chunk) } : {}),
    ...(flags.time ? { time: flags.time } : {}),
    ...(target ? { target } : {}),
    ...(flags.prediction ? { prediction: flags.prediction } : {}),
    ...(baselineChunks !== undefined ? { baselineChunks } : {}),
    ...(minChunkRows !== undefined ? { minChunkRows } : {}),
    ...(outlierThreshold !== undefined ? { outlierThreshold } : {}),
    ...(sigma !== undefined ? { sigma } : {}),
    context: {
      model: ref.model,
      reference: ref.source,
      current: flags.current,
      createdAt: new Date().toISOString(),
    },
  };
}

/** Monitors a loaded table, with performance when the run has model outputs, labels or reference predictions. */
async function monitorLoaded(
  db: Database,
  dataset: Dataset,
  flags: MonitorFlags,
  options: MonitorOptions,
  ref: Reference,
  found: FoundConfig | undefined,
  ctx: CliContext,
): Promise<MonitorReport> {
  const performance = await performanceInput(db, dataset, flags, {
    model: ref.monitored,
    task: found?.config.task,
    target: options.target,
    ids: found?.config.id ?? [],
  });
  const report = await withProgress(ctx, 'monitoring', (progress) =>
    monitorDataset(db, ref.profile, dataset, {
      ...options,
      ...(performance ? { predictions: performance.input } : {}),
      onProgress: (f) => progress.update(f),
    }),
  );
  report.notes.push(...(performance?.notes ?? []));
  return report;
}

function noRowsForLabels(flags: MonitorFlags, what: string): void {
  if (flags.labels || flags.referenceData) {
    throw new UserError(
      `${flags.labels ? '--labels' : '--reference-data'}: performance needs the scored rows, and ${what} holds profiles only. Pass a prediction log with its predictions-*.jsonl, or a data file.`,
    );
  }
}

/** The server's latency and error rate per chunk, read from the log's request files in DuckDB. */
const servingOf = (db: Database, log: PredictionLogFiles) => (chunks: readonly Chunk[]) =>
  logServingSeries(db, log, chunks);

async function runMonitor(
  flags: MonitorFlags,
  options: MonitorOptions,
  ref: Reference,
  found: FoundConfig | undefined,
  ctx: CliContext,
): Promise<MonitorReport> {
  if (await isDirectory(flags.current)) {
    if (flags.format) throw new UserError('--format: applies to data files, not to a directory of profiles.');
    const log = await findPredictionLog(flags.current, ref.model?.name ?? found?.config.model);
    if (log && log.predictions.length > 0) {
      return withDatabase(async (db) => {
        const dataset = await loadPredictionLog(db, log);
        const logOptions = { ...predictionLogOptions(dataset, options), serving: servingOf(db, log) };
        return monitorLoaded(db, dataset, flags, logOptions, ref, found, ctx);
      });
    }
    if (log) {
      noRowsForLabels(flags, log.dir);
      const chunk = options.chunk ?? { by: 'time' as const, unit: 'hour' as const };
      const profiles = await readLogProfiles(log, chunk);
      return withDatabase((db) =>
        monitorProfiles(ref.profile, profiles, {
          ...options,
          notes: [...(options.notes ?? []), ...setAsideProfileNotes(log)],
          chunk: { by: 'file' },
          serving: servingOf(db, log),
        }),
      );
    }
    noRowsForLabels(flags, flags.current);
    return monitorProfiles(ref.profile, await readProfileDir(flags.current), options);
  }
  const format = parseFormat(flags.format);
  return withDatabase(async (db) => {
    const dataset = await withProgress(ctx, 'loading data', (progress) =>
      loadDataset(db, format ? { path: flags.current, format } : { path: flags.current }, {
        table: 'current',
        onProgress: (f) => progress.update(f),
      }),
    );
    return monitorLoaded(db, dataset, flags, options, ref, found, ctx);
  });
}

function findings(report: MonitorReport): Finding[] {
  const alerts = report.verdict.alerts
    .slice(0, MAX_ANNOTATIONS)
    .map((a): Finding => ({ level: 'error', title: TITLE, message: a.message }));
  const notes = report.notes.map((n): Finding => ({ level: n.level, title: TITLE, message: n.message }));
  return [...alerts, ...notes];
}

function textOf(report: MonitorReport, written: string): string {
  const { alerts } = report.verdict;
  const shownAlerts = alerts.slice(0, MAX_TEXT_ALERTS).map((a) => `  ${a.message}`);
  if (alerts.length > shownAlerts.length)
    shownAlerts.push(`  … ${alerts.length - shownAlerts.length} more in monitor.json`);
  const columns = report.columns.slice(0, MAX_TEXT_COLUMNS);
  const more = report.columns.length - columns.length;
  return [
    report.verdict.headline,
    `Reference ${report.reference.source} (${report.reference.rows} rows); current ${report.current.source}: ${report.current.rows} rows in ${report.chunks.length} chunks (${report.settings.chunk}).`,
    ...(shownAlerts.length > 0 ? ['', 'Alerts:', ...shownAlerts] : []),
    '',
    renderTextTable(columnsTable(columns, 'text')),
    ...(more > 0 ? [`… ${more} more columns in monitor.json`] : []),
    ...(report.notes.length > 0 ? ['', ...report.notes.map((n) => `${n.level}: ${n.message}`)] : []),
    '',
    written,
  ].join('\n');
}

async function monitor(flags: MonitorFlags, ctx: CliContext): Promise<CommandOutcome> {
  const found = await findConfigWith(flags.config, loadMonitorConfig);
  const files = flags.compare ? COMPARE_FILES : MONITOR_FILES;
  await requireFreshOutDir('--out', flags.out, 'the report', Object.values(files), flags.force === true);
  if (flags.compare) return monitorCompare(flags, found?.config);
  const ref = await reference(flags);
  if (ref.monitored)
    // deviceProvider reads only `runtime`, which a monitor config shares with a full one.
    ref.monitored.provider = await deviceProvider(flags, found?.config as ModelgateConfig | undefined, ctx);
  const options = monitorOptions(flags, found, ref);
  const report = await runMonitor(flags, options, ref, found, ctx);
  const markdown = renderMonitorMarkdown(report);
  const written = await writeReportFiles(flags.out, MONITOR_FILES, report, markdown);
  return {
    exitCode: report.verdict.alert ? 1 : 0,
    data: report,
    text: textOf(report, written),
    findings: findings(report),
    summary: markdown,
  };
}

export function registerMonitor(program: Command, wrap: Wrap): void {
  addDeviceOption(
    addRegistryOption(
      program
        .command('monitor')
        .description(
          'compare current data (or profiles) with a model’s reference profile, chunk by chunk: drift, outliers, anomalies',
        )
        .option(
          '--model <ref>',
          'registered model whose reference profile to use: name#stage, name@v3 or name',
        )
        .option(
          '--reference <file>',
          'a reference profile.json instead of the registry (e.g. from modelgate profile)',
        )
        .requiredOption(
          '--current <file|glob|dir>',
          'current data (CSV, TSV, Parquet, JSON, JSONL), a prediction log directory (predictions-*.jsonl, profile-*.json; or its parent with <model>/), or a directory of profiles (*.json)',
        )
        .option('-f, --format <format>', 'format of the current data (default: from the extension)')
        .option('-c, --config <file>', 'config file (default: modelgate.yaml when it exists)')
        .option('-o, --out <dir>', 'directory for monitor.json and monitor.md', DEFAULT_OUT)
        .option(
          FORCE_FLAG,
          'replace the report (monitor.json/.md, or compare.json/.md) of an earlier run in --out',
        )
        .option(
          '--chunk <size>',
          'hour, day, week, month (of --time, UTC), rows:<N>, file (one per profile) or all (default: day with a time column)',
        )
        .option('--time <column>', "time column the chunks follow (default: the config's time)")
        .option('--prediction <column>', 'model-output column whose mean per chunk is monitored')
        .option(
          '--baseline-chunks <n>',
          'earliest chunks that set the anomaly bands (default: a third, at least 5)',
        )
        .option('--min-chunk-rows <n>', 'smaller chunks are flagged too_small, never alerted on (default 30)')
        .option('--outlier-threshold <z>', 'robust z-score beyond which a value is an outlier (default 3.5)')
        .option('--sigma <k>', 'anomaly band half-width in baseline standard deviations (default 3)')
        .option(
          '--method <column=method>',
          'drift test of a column (repeatable): ks, chisquare, z, wasserstein, jensenshannon, psi, kl_div or hellinger',
          collectFlag,
        )
        .option(
          '--threshold <name=value>',
          'drift threshold of a column, or the default of a method (wasserstein=0.2) (repeatable)',
          collectFlag,
        )
        .option(
          '--drift-share <share>',
          'dataset drift when at least this share of features drifted (default 0.5)',
        )
        .option(
          '--labels <file>',
          'late labels (CSV, Parquet, JSON…) joined to the current rows by id: realized metrics per chunk',
        )
        .option(
          '--label-id <column>',
          'id column in both files (default: request_id in a prediction log, else the config id)',
        )
        .option(
          '--label-column <column>',
          "label column of --labels and --reference-data (default: the config's or model's target)",
        )
        .option(
          '--compare',
          'compare the production model with its shadow (serve --shadow) on the same logged requests: agreement, output drift, latency and, with --labels, the gate on live rows (writes compare.json and compare.md)',
        )
        .option(
          '--reference-data <file>',
          'labeled reference rows (the holdout split) the model is run on to calibrate the CBPE estimates',
        ),
    ),
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 no alert, 1 alert (no rows in the window, dataset drift, a chunk anomaly, an elevated outlier rate or performance worse than the holdout; with --compare, the online gate failed), 2 bad input.',
    )
    .action(wrap<MonitorFlags>(monitor));
}
