import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Database, DEFAULT_CONFIG_FILE, pathExists, UserError, withDatabase } from '@modelgate/core';
import {
  codeVersion,
  collectPlan,
  detectGpus,
  formatDuration,
  formatValue,
  MATRIX_FILE,
  OUTPUT_FILES,
  PLAN_FILE,
  PLAN_SPLITS_DIR,
  PLAN_TRIALS_DIR,
  plannedTrialDir,
  RESULT_FILE,
  readPlan,
  runPlannedTrial,
  runTraining,
  type SplitSource,
  TRAINER_DIR,
  TRIAL_OUTPUT_DIR,
  TRIALS_DIR,
  type TrainingRun,
  type TrialsFile,
  trialsTable,
  type WrittenOutputs,
  withStagedDirectories,
  writePlan,
  writeTrainingResult,
} from '@modelgate/train';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addDataOptions, type DataFlags, dataSpec } from '../data-source.js';
import { parseNumber } from '../flags.js';
import { FORCE_FLAG, presentIn, requireFreshOutDir } from '../out-path.js';
import type { CommandOutcome, Finding } from '../outcome.js';
import { type FoundConfig, findConfig } from '../project.js';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { withProgress } from '../with-progress.js';
import {
  PLAN_OUTPUTS,
  removedLine,
  staleEvaluation,
  TRAIN_OUTPUTS,
  TRIAL_MODEL,
  TRIAL_OUTPUTS,
} from './train-outputs.js';

interface TrainFlags extends DataFlags {
  splits?: string;
  out?: string;
  parallel?: string;
  force?: boolean;
}

type PlanFlags = TrainFlags;

interface TrialFlags {
  plan: string;
  id: string;
  out?: string;
  force?: boolean;
}

interface CollectFlags {
  plan: string;
  trials?: string;
  out?: string;
  force?: boolean;
}

const FORCE_HELP =
  "replace the model, trials and records of an earlier run in --out, and remove that model's evaluation.json and reports there";

async function requireOut(
  out: string | undefined,
  what: string,
  writes: readonly string[] = [],
  force = false,
): Promise<string> {
  if (!out) throw new UserError(`--out <dir>: required: the directory for ${what}.`);
  await requireFreshOutDir('--out', out, what, writes, force);
  return out;
}

/** Trials shown on the terminal; trials.md has them all. */
const TABLE_ROWS = 15;

const NOTES = `
Reads train.* from modelgate.yaml: candidates (algorithms or your own command), search
(strategy grid|random|tpe, trials, parallel, seed, grid_points, halving), metric and artifacts.
Without --splits the configured data is split first (split.* in the config).
Writes model.onnx (the best trial's model as trained, not re-fitted), metadata.json, params.json,
trials.json, trials.md, lineage.json and reference-profile.json into --out.
Rows with a null target are left out (counted in trials.json); NaN and null features are
missing values the trainers handle; ±inf in a feature is refused.
Results do not depend on --parallel. For a GitHub Actions matrix see 'train plan --help'.

Your own trainer (a 'command:' candidate, named by its optional 'name:'; BYO.md has the contract):
  it runs in the config's directory with the splits as Parquet ($MODELGATE_TRAIN, _VALIDATION,
  _TEST) and as CSV ($MODELGATE_TRAIN_CSV, _VALIDATION_CSV, _TEST_CSV: header row, empty cell =
  null), the spec ($MODELGATE_SPEC: task, target, features with kinds and categories, classes),
  $MODELGATE_PARAMS_JSON / $MODELGATE_PARAM_<NAME>, $MODELGATE_SEED, and writes model.onnx (and
  metrics.json) into $MODELGATE_OUTPUT_DIR. The best command model gets the spec stamped into its
  ONNX metadata. Each command trial's output directory (output.log with its stdout and stderr,
  params.json, checkpoints, any files) is kept in --out as ${TRIALS_DIR}/<id>/, the best's also as
  ${TRAINER_DIR}/; train.artifacts.max_mb caps the ${TRIALS_DIR}/ tree (default 512: files past it are
  left out and listed in trials.json), train.artifacts.keep: false keeps none.
When every trial fails, trials.json, trials.md and the kept trial directories are still written
(no model), and the error lists each trial's reason; the exit code is 2.`;

export function registerTrain(program: Command, wrap: Wrap): void {
  const train = addDataOptions(
    program
      .command('train')
      .description('search hyperparameters over candidate algorithms and write the best model as ONNX'),
  )
    .option('--splits <dir>', 'a split directory from `modelgate split` (default: split the configured data)')
    // Not required here: commander would demand it of plan, trial and collect too.
    .option(
      '-o, --out <dir>',
      'directory for model.onnx, trials, params, lineage and the reference profile (required)',
    )
    .option('--parallel <n>', 'worker processes (default: train.search.parallel, else 1)')
    .option(FORCE_FLAG, FORCE_HELP)
    .addHelpText('after', NOTES)
    .action(wrap<TrainFlags>((flags, ctx) => runTrain(flags, ctx)));
  // The program parses options before dispatching, so `train` takes the flags it shares with its
  // subcommands (--out, --config, …) wherever they stand: a subcommand reads them from both.
  const withShared = <F extends object>(flags: F): F & TrainFlags => ({
    ...(train.opts() as TrainFlags),
    ...(Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as F),
  });

  addDataOptions(
    train
      .command('plan')
      .description('fix the trials of a grid or random search and write a GitHub Actions matrix'),
  )
    .option('--splits <dir>', 'a split directory from `modelgate split` (default: split the configured data)')
    .option('-o, --out <dir>', `plan directory: ${PLAN_FILE}, ${MATRIX_FILE} and the splits (required)`)
    .option(
      FORCE_FLAG,
      `replace the plan of an earlier run in --out, and remove its ${PLAN_TRIALS_DIR}/ results`,
    )
    .addHelpText(
      'after',
      `
Each matrix job runs 'modelgate train trial --plan <dir> --id <id>' from the directory the plan
was made in; 'modelgate train collect --plan <dir> --out <dir>' then picks the best. TPE and
successive halving choose trials from earlier results, so a plan refuses them.`,
    )
    .action(wrap<PlanFlags>((flags, ctx) => runPlan(withShared(flags), ctx)));

  train
    .command('trial')
    .description('run one trial of a plan (one matrix job) and write its result')
    .requiredOption('--plan <dir>', 'plan directory from `modelgate train plan`')
    .requiredOption('--id <n>', 'the trial to run (matrix.json lists them)')
    .option(
      '-o, --out <dir>',
      `where ${RESULT_FILE}, model.onnx and a command's ${TRIAL_OUTPUT_DIR}/ go (default: <plan>/trials/<id>)`,
    )
    .option(
      FORCE_FLAG,
      'replace the result of an earlier trial in --out (without --out there is none to: the default directory is always replaced)',
    )
    .action(wrap<TrialFlags>((flags, ctx) => runTrial(withShared(flags), ctx)));

  train
    .command('collect')
    .description('gather the results of a plan, pick the best trial and write the outputs')
    .requiredOption('--plan <dir>', 'plan directory from `modelgate train plan`')
    .option('--trials <dir>', `where the trials' ${RESULT_FILE} files are (default: <plan>/trials)`)
    .option(
      '-o, --out <dir>',
      'directory for model.onnx, trials, params, lineage and the reference profile (required)',
    )
    .option(FORCE_FLAG, FORCE_HELP)
    .action(wrap<CollectFlags>((flags, ctx) => runCollect(withShared(flags), ctx)));
}

async function requireConfig(flags: DataFlags): Promise<FoundConfig> {
  const found = await findConfig(flags.config);
  if (found) return found;
  throw new UserError(
    `train needs a config: no ${DEFAULT_CONFIG_FILE} here. Pass --config <file> (see examples/penguins/modelgate.yaml).`,
  );
}

function splitSource(
  flags: TrainFlags | Omit<TrainFlags, 'parallel'>,
  found: FoundConfig,
  workDir: string,
): SplitSource {
  if (flags.splits) return { splits: flags.splits };
  return { data: dataSpec(flags, found), out: join(workDir, 'splits') };
}

async function withWorkDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-train-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The outputs, and the earlier model's evaluation files that went with that model. */
interface Written extends WrittenOutputs {
  removed: string[];
}

const STALE_EVALUATION = 'the evaluation of the model this run replaced';

async function writeOutputs(
  db: Database,
  run: TrainingRun,
  out: string,
  force: boolean,
  ctx: CliContext,
): Promise<Written> {
  const [code, gpu] = await Promise.all([codeVersion(dirname(run.configFile)), detectGpus()]);
  const stale = await staleEvaluation(out, force);
  const context = { ...(code ? { code } : {}), ...(gpu ? { gpu } : {}) };
  try {
    return { ...(await writeTrainingResult(db, out, run, context, stale)), removed: stale };
  } catch (err) {
    // When every trial failed the old model went, and its evaluation with it; a failed write removed nothing.
    const left = await presentIn(out, stale);
    const removed = stale.filter((name) => !left.includes(name));
    if (removed.length > 0) ctx.log(removedLine(out, removed, STALE_EVALUATION));
    throw err;
  }
}

async function runTrain(flags: TrainFlags, ctx: CliContext): Promise<CommandOutcome> {
  const force = flags.force === true;
  const out = await requireOut(flags.out, 'the model and its records', TRAIN_OUTPUTS, force);
  const found = await requireConfig(flags);
  const parallel = parseNumber('parallel', flags.parallel, true);
  if (parallel !== undefined && parallel < 1)
    throw new UserError(`--parallel ${parallel}: expected 1 or more.`);
  const written = await withProgress(ctx, 'train', (progress) =>
    withWorkDir((workDir) =>
      withDatabase(async (db) => {
        const run = await runTraining(db, {
          config: found.config,
          configFile: found.file,
          source: splitSource(flags, found, workDir),
          workDir,
          ...(parallel === undefined ? {} : { parallel }),
          onProgress: (p) => progress.update(p.done / Math.max(1, p.total), p.detail),
        });
        return writeOutputs(db, run, out, force, ctx);
      }),
    ),
  );
  return trainOutcome(written, out, ctx);
}

function trainOutcome(
  written: Written,
  out: string,
  ctx: CliContext,
  missing: number[] = [],
): CommandOutcome {
  const { trials, model } = written;
  const findings: Finding[] = [...trials.data.warnings, ...written.warnings].map((message) => ({
    level: 'warning',
    message,
  }));
  if (missing.length > 0) {
    findings.push({
      level: 'warning',
      message: `${missing.length} planned trial${missing.length === 1 ? '' : 's'} had no result (${missing.slice(0, 10).join(', ')}): counted as failed.`,
    });
  }
  for (const f of findings) ctx.log(`warning: ${f.message}`);
  const best = trials.trials.find((t) => t.best);
  const counts = {
    total: trials.trials.length,
    ok: trials.trials.filter((t) => t.status === 'ok').length,
    stopped: trials.trials.filter((t) => t.status === 'stopped').length,
    failed: trials.trials.filter((t) => t.status === 'failed').length,
  };
  // Command trials' kept output directories (see 'train --help').
  const kept = [
    ...(trials.trials.some((t) => t.output) ? [`${TRIALS_DIR}/`] : []),
    ...(best?.output ? [`${TRAINER_DIR}/`] : []),
  ];
  const outputs = [...OUTPUT_FILES, ...kept].map((f) => join(out, f));
  const data = {
    model: trials.model,
    task: trials.task,
    metric: { ...trials.metric, value: model.metric.value },
    best: { trial: best?.id, candidate: best?.candidate, params: model.params, metrics: model.metrics },
    trials: counts,
    search: trials.search,
    outputs,
    removed: written.removed.map((name) => join(out, name)),
    warnings: [...trials.data.warnings, ...written.warnings],
  };
  const removed = written.removed.length > 0 ? [removedLine(out, written.removed, STALE_EVALUATION)] : [];
  return {
    exitCode: 0,
    data,
    text: renderText(trials, counts, outputs, removed),
    summary: written.markdown,
    findings,
  };
}

function renderText(
  trials: TrialsFile,
  counts: { total: number; ok: number; stopped: number; failed: number },
  outputs: string[],
  removed: string[],
): string {
  const best = trials.trials.find((t) => t.best);
  const extra = [
    counts.stopped ? `${counts.stopped} stopped early` : '',
    counts.failed ? `${counts.failed} failed` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const more = trials.trials.length - TABLE_ROWS;
  return [
    `Trained ${trials.model} (${trials.task}): ${counts.total} trials, ${trials.search.strategy} search, seed ${trials.search.seed}${extra ? ` (${extra})` : ''}.`,
    best
      ? `Best: trial ${best.id} (${best.candidate}), ${trials.metric.name} ${formatValue(best.value)} on the validation split, trained in ${formatDuration(best.durationMs)}.`
      : '',
    '',
    renderTextTable(trialsTable(trials, TABLE_ROWS)),
    ...(more > 0 ? [`… and ${more} more in trials.md`] : []),
    '',
    `Wrote ${outputs.join(', ')}.`,
    ...removed,
    '',
  ].join('\n');
}

async function runPlan(flags: PlanFlags, ctx: CliContext): Promise<CommandOutcome> {
  const out = await requireOut(flags.out, 'the plan', PLAN_OUTPUTS, flags.force === true);
  const found = await requireConfig(flags);
  // Only there under --force: the earlier plan's trial results, which collect would take as this plan's.
  const removed = await presentIn(out, [PLAN_TRIALS_DIR]);
  const plan = await withProgress(ctx, 'train plan', () =>
    withDatabase((db) =>
      withStagedDirectories(out, [PLAN_SPLITS_DIR, PLAN_TRIALS_DIR], (dir) =>
        writePlan(db, dir, {
          config: found.config,
          configFile: found.file,
          source: flags.splits ? { splits: flags.splits } : { data: dataSpec(flags, found) },
        }),
      ),
    ),
  );
  const matrix = join(out, MATRIX_FILE);
  return {
    exitCode: 0,
    data: {
      plan: join(out, PLAN_FILE),
      matrix,
      trials: plan.trials.length,
      search: plan.search,
      removed: removed.map((name) => join(out, name)),
    },
    text: [
      `Planned ${plan.trials.length} trials (${plan.search.strategy} search, seed ${plan.search.seed}) for ${plan.model} in ${out}.`,
      `Matrix: ${matrix}. Each job: modelgate train trial --plan ${out} --id <id>; then: modelgate train collect --plan ${out} --out <dir>.`,
      ...(removed.length > 0 ? [removedLine(out, removed, "the earlier plan's trial results")] : []),
      '',
    ].join('\n'),
  };
}

async function runTrial(flags: TrialFlags, ctx: CliContext): Promise<CommandOutcome> {
  const id = parseNumber('id', flags.id, true) as number;
  const out = flags.out ?? plannedTrialDir(flags.plan, id);
  // The plan's own directory for the trial is replaced freely: a retried matrix job writes there again.
  if (flags.out)
    await requireFreshOutDir('--out', flags.out, 'the trial result', TRIAL_OUTPUTS, flags.force === true);
  else if (flags.force)
    throw new UserError(
      `${FORCE_FLAG}: only used with --out, to replace a trial result there (the plan's own directory for a trial is always replaced).`,
    );
  const plan = await readPlan(flags.plan);
  // A model.onnx from an earlier run of the trial must not stay beside a failed result.
  const replaced = [TRIAL_OUTPUT_DIR, TRIAL_MODEL];
  const result = await withProgress(ctx, `trial ${id}`, () =>
    withDatabase((db) =>
      withStagedDirectories(out, replaced, (dir) => runPlannedTrial(db, plan, flags.plan, id, dir)),
    ),
  );
  const { outcome } = result;
  const trial = plan.trials[id];
  const what = `Trial ${id} (${trial?.label ?? '?'})`;
  const output = join(out, TRIAL_OUTPUT_DIR);
  const kept = (await pathExists(output)) ? ` Its output: ${output}/.` : '';
  const findings: Finding[] =
    outcome.status === 'failed'
      ? [{ level: 'warning', message: `${what} failed: ${outcome.error ?? ''}` }]
      : [];
  return {
    exitCode: 0,
    data: result,
    text:
      outcome.status === 'ok'
        ? `${what}: ${plan.metric} ${formatValue(outcome.value)} on the validation split in ${formatDuration(outcome.durationMs)}. Wrote ${join(out, RESULT_FILE)} and ${join(out, 'model.onnx')}.${kept}\n`
        : `${what} failed (recorded in ${join(out, RESULT_FILE)}; collect counts it as failed):${kept}\n${outcome.error ?? ''}\n`,
    findings,
  };
}

async function runCollect(flags: CollectFlags, ctx: CliContext): Promise<CommandOutcome> {
  const force = flags.force === true;
  const out = await requireOut(flags.out, 'the model and its records', TRAIN_OUTPUTS, force);
  const written = await withProgress(ctx, 'train collect', () =>
    withDatabase(async (db) => {
      const run = await collectPlan(db, flags.plan, flags.trials ? { trialsDir: flags.trials } : {});
      return { written: await writeOutputs(db, run, out, force, ctx), missing: run.missing };
    }),
  );
  return trainOutcome(written.written, out, ctx, written.missing);
}
