import { rm } from 'node:fs/promises';
import { UserError, withDatabase } from '@modelgate/core';
import {
  type BatchProgress,
  DEFAULT_CHUNK_ROWS,
  defaultRejectPath,
  ON_ERROR,
  type OnError,
  OUTPUT_FORMATS,
  type OutputFormat,
  predictBatch,
  type SpecFlags,
} from '@modelgate/runtime';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { parseFormat, parseNumber } from '../flags.js';
import { FORCE_FLAG, fileVersion, type OutFile, refuseAppeared, requireOutFile } from '../out-path.js';
import type { CommandOutcome } from '../outcome.js';
import type { Progress } from '../progress.js';
import type { Wrap } from '../runner.js';
import { withProgress } from '../with-progress.js';
import { addDeviceOption, type DeviceFlags, deviceProvider } from './device-option.js';
import { resolvePredictModel } from './predict-model.js';
import { predictOutcome } from './predict-report.js';
import { addRegistryOption, type RegistryFlags } from './registry-options.js';
import { addSpecOptions, specFlagsOf } from './spec-options.js';

interface PredictFlags extends RegistryFlags, SpecFlags, DeviceFlags {
  model: string;
  input: string;
  format?: string;
  output: string;
  outputFormat?: string;
  id?: string[];
  onError: string;
  reject?: string;
  workers?: string;
  chunkRows?: string;
  allowEmpty?: boolean;
  force?: boolean;
}

const NOTES = `
--model is an ONNX file, a training output directory or a registry reference.
A model that records no spec (a bare ONNX file) is described with --spec <file>,
or --features a,b,c (input order) with --classes x,y (probability and integer
label order) and --task.
The output holds a 'row' column (the 1-based input row), the --id columns, then
'label' and 'probability_<class>' (classifiers) or 'prediction' (regressors).
'label' is a class name: an integer label output indexes the classes, and a
model with only probabilities gets its most probable class.
Rows the model cannot score (text in a number column, a missing value the model
cannot take) are never dropped silently: --on-error fail (default) stops with
their row numbers and writes nothing; --on-error reject scores the rest and
writes them, with a 'reason' column, to --reject (default <output>.rejects.<ext>).
Input with no rows (a header only) is refused unless --allow-empty.
An --output (or reject file) that exists is refused unless --force, also one that
appears while the run works: it is left as it is (exit 2). A --force run that
rejects no rows removes the reject file of the output it replaces.
Output is written to a temporary file and put in place when the run succeeds.
Exit codes: 0 done, 1 rows could not be scored (--on-error fail), 2 bad input.`;

export function registerPredict(program: Command, wrap: Wrap): void {
  const command = addRegistryOption(
    program
      .command('predict')
      .description('score a data file (any size) with a model, in parallel and in bounded memory')
      .requiredOption(
        '-m, --model <model.onnx|ref>',
        'an ONNX model, a training output directory, or a registry reference (name#stage, name@v3)',
      )
      .requiredOption('-i, --input <file|glob>', 'the rows to score: CSV, TSV, Parquet, JSON or JSONL')
      .option('-f, --format <format>', 'format of --input (default: from the extension)')
      .requiredOption('-o, --output <file>', `where predictions go: .parquet, .csv or .jsonl`)
      .option(
        '--output-format <format>',
        `format of --output (${OUTPUT_FORMATS.join(', ')}; default: from the extension)`,
      )
      .option('--id <column...>', 'input columns to copy to the output beside the row number')
      .option('--on-error <mode>', `rows that cannot be scored: ${ON_ERROR.join(' or ')}`, 'fail')
      .option('--reject <file>', 'with --on-error reject: where rejected rows go')
      .option(
        '--workers <n>',
        'worker threads scoring chunks (0: the main thread; default: cores - 1 above two cores, else one per core)',
      )
      .option('--chunk-rows <n>', `rows per scoring chunk (default ${DEFAULT_CHUNK_ROWS})`)
      .option('--allow-empty', 'write an empty output for input with no rows instead of refusing it')
      .option(FORCE_FLAG, 'replace an --output (and reject file) that already exists'),
  );
  addSpecOptions(addDeviceOption(command))
    .addHelpText('after', NOTES)
    .action(wrap<PredictFlags>((flags, ctx) => runPredict(flags, ctx)));
}

function parseOnError(value: string): OnError {
  if ((ON_ERROR as readonly string[]).includes(value)) return value as OnError;
  throw new UserError(`--on-error ${value}: expected ${ON_ERROR.join(' or ')}.`);
}

function parseOutputFormat(value: string | undefined): OutputFormat | undefined {
  if (value === undefined || (OUTPUT_FORMATS as readonly string[]).includes(value)) {
    return value as OutputFormat | undefined;
  }
  throw new UserError(`--output-format ${value}: expected one of ${OUTPUT_FORMATS.join(', ')}.`);
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}

/** `120,000 rows, 85,000 rows/s, ETA 12s` */
function showProgress(progress: Progress, p: BatchProgress): void {
  const rate = p.seconds > 0 ? p.rows / p.seconds : 0;
  const rows = `${p.rows.toLocaleString('en-US')} rows, ${Math.round(rate).toLocaleString('en-US')} rows/s`;
  if (p.total === undefined || p.total === 0) {
    progress.update(undefined, rows);
    return;
  }
  const eta = rate > 0 ? `, ETA ${duration((p.total - p.rows) / rate)}` : '';
  progress.update(Math.min(1, p.rows / p.total), `${rows}${eta}`);
}

/** The output, and the reject file with --on-error reject. */
function outFilesOf(flags: PredictFlags, onError: OnError): OutFile[] {
  const output = { flag: '--output', path: flags.output, contents: 'the predictions' };
  if (onError !== 'reject') return [output];
  const rejects = flags.reject
    ? { flag: '--reject', path: flags.reject }
    : { flag: '--reject (default)', path: defaultRejectPath(flags.output) };
  return [output, { ...rejects, contents: 'the rejected rows' }];
}

async function runPredict(flags: PredictFlags, ctx: CliContext): Promise<CommandOutcome> {
  const onError = parseOnError(flags.onError);
  if (flags.reject && onError !== 'reject') {
    throw new UserError('--reject applies to --on-error reject; pass both or neither.');
  }
  const format = parseFormat(flags.format);
  const outputFormat = parseOutputFormat(flags.outputFormat);
  const workers = parseNumber('workers', flags.workers, true);
  const chunkRows = parseNumber('chunk-rows', flags.chunkRows, true);
  const force = flags.force === true;
  const outFiles = outFilesOf(flags, onError);
  const rejects = flags.reject ?? defaultRejectPath(flags.output);
  // Before the run: only the file an earlier run left may be removed below, not one written meanwhile.
  const earlierRejects = force ? await fileVersion(rejects) : undefined;
  for (const { flag, path, contents } of outFiles) await requireOutFile(flag, path, contents, force);
  const provider = await deviceProvider(flags, undefined, ctx);
  const model = await resolvePredictModel(flags.model, flags.registry, specFlagsOf(flags));
  const result = await refuseAppeared(outFiles, () =>
    withProgress(ctx, 'predict', (progress) =>
      withDatabase((db) =>
        predictBatch(db, {
          model,
          input: { path: flags.input, format },
          output: flags.output,
          outputFormat,
          ids: flags.id,
          onError,
          rejectPath: flags.reject,
          workers,
          chunkRows,
          allowEmpty: flags.allowEmpty,
          provider,
          onProgress: (p) => showProgress(progress, p),
          // Without --force, a file that appeared at either path during the run is kept.
          replace: force,
        }),
      ),
    ),
  );
  // --force replaced the output: a reject file left from an earlier run would be read as this run's.
  const stale =
    earlierRejects !== undefined &&
    !result.failed &&
    result.rejected === 0 &&
    (await fileVersion(rejects)) === earlierRejects;
  if (stale) await rm(rejects);
  return predictOutcome(result, model, stale ? rejects : undefined);
}
