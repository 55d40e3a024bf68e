import { Database, describeFiles, duckdbMessage, isUserError, UserError } from '@modelgate/core';
import type { InferenceSession } from 'onnxruntime-node';
import type { ColumnPredictions } from '../columns.js';
import { planInputs } from '../feeds.js';
import { planOutputs } from '../outputs.js';
import { createSession } from '../session.js';
import { readSignature } from '../signature.js';
import { ChunkBuilder, type ScoringChunk } from './chunk.js';
import { planInput } from './input.js';
import {
  checkCount,
  DEFAULT_CHUNK_ROWS,
  defaultRejectPath,
  defaultWorkers,
  outputFormatOf,
} from './options.js';
import { checkIds, type PredictionColumns, predictionColumns, predictionNames } from './output-columns.js';
import { RowWriter, UnscorableRows } from './row-writer.js';
import { inlineScorer, poolScorer, type Scorer } from './scorer.js';
import { PartSink } from './sink.js';
import { StagedFiles } from './staged-files.js';
import { type BatchOptions, type BatchResult, REASON_COLUMN, ROW_COLUMN } from './types.js';

interface InFlight {
  chunk: ScoringChunk;
  predictions: Promise<ColumnPredictions>;
}

/**
 * Scores a file (or glob) of any size with bounded memory: DuckDB streams the
 * input in chunks, worker threads score them, and the rows go out in input
 * order through Parquet parts into one output file, put in place only when
 * the run succeeds (over a file that appeared meanwhile only with `replace`).
 * Rows that cannot be scored go to a reject file with a reason, or (onError
 * 'fail') stop the run with nothing written.
 */
export async function predictBatch(db: Database, options: BatchOptions): Promise<BatchResult> {
  const started = performance.now();
  const { model } = options;
  const format = outputFormatOf(options.output, options.outputFormat);
  const onError = options.onError ?? 'fail';
  const rejectPath = onError === 'reject' ? (options.rejectPath ?? defaultRejectPath(options.output)) : null;
  const chunkRows = checkCount(options.chunkRows ?? DEFAULT_CHUNK_ROWS, '--chunk-rows', 1);
  const workers = checkCount(options.workers ?? defaultWorkers(), '--workers', 0);
  const ids = options.ids ?? [];

  const provider = options.provider ?? 'cpu';
  const session = await createSession(model.bytes, { label: model.label, provider });
  try {
    return await scoreFile(db, options, session, { started, format, rejectPath, chunkRows, workers, ids });
  } finally {
    // A session left for the garbage collector can outlive onnxruntime at exit and abort the process.
    await session.release().catch(() => {});
  }
}

async function scoreFile(
  db: Database,
  options: BatchOptions,
  session: InferenceSession,
  plan: {
    started: number;
    format: BatchResult['format'];
    rejectPath: string | null;
    chunkRows: number;
    workers: number;
    ids: readonly string[];
  },
): Promise<BatchResult> {
  const { model } = options;
  const { started, format, rejectPath, chunkRows, workers, ids } = plan;
  const provider = options.provider ?? 'cpu';
  const rejectFormat = rejectPath ? outputFormatOf(rejectPath, undefined, '--reject') : format;
  const columns = planModel(session, model);
  const outputNames = predictionNames(columns);
  checkIds(ids, [ROW_COLUMN, REASON_COLUMN, ...outputNames]);
  const input = await planInput(db, options.input, model.spec, ids);

  const writer = await Database.open();
  const staged = await StagedFiles.open(options.output);
  const scorer: Scorer = workers === 0 ? inlineScorer(session, model) : poolScorer(model, workers, provider);
  try {
    const idColumns = input.ids.map((c) => ({ name: c.name, type: c.type }));
    const row = { name: ROW_COLUMN, type: 'BIGINT' };
    const out = await PartSink.open(
      writer,
      'predictions',
      [
        row,
        ...idColumns,
        ...outputNames.map((name) => ({ name, type: name === 'label' ? 'VARCHAR' : 'FLOAT' })),
      ],
      staged.scratch,
    );
    const rejects = rejectPath
      ? await PartSink.open(
          writer,
          'rejects',
          [row, ...idColumns, { name: REASON_COLUMN, type: 'VARCHAR' }],
          staged.scratch,
        )
      : undefined;
    const rows = new RowWriter(model.spec, columns, out, rejects);
    const report = () =>
      options.onProgress?.({
        rows: rows.rows,
        rejected: rows.rejected,
        total: input.total,
        seconds: (performance.now() - started) / 1000,
      });
    await stream(
      db,
      input.sql,
      new ChunkBuilder(model.spec, ids.length, chunkRows),
      scorer,
      workers,
      async (chunk, p) => {
        await rows.write(chunk, p);
        report();
      },
    );
    if (rows.rows === 0 && options.allowEmpty !== true) {
      throw new UserError(
        `${describeFiles(input.files)}: no rows to score (a header only?). Pass --allow-empty to write an empty output anyway.`,
      );
    }
    const outputTemp = await staged.stage(options.output);
    await out.finish(outputTemp, format);
    if (rejects && rejectPath && rows.rejected > 0)
      await rejects.finish(await staged.stage(rejectPath), rejectFormat);
    await staged.commit({ replace: options.replace ?? true });
    const seconds = (performance.now() - started) / 1000;
    return {
      input: input.files,
      output: options.output,
      format,
      rows: rows.rows,
      scored: rows.scored,
      rejected: rows.rejected,
      rejectPath: rows.rejected > 0 ? rejectPath : null,
      firstRejects: rows.firstRejects,
      failed: false,
      seconds,
      rowsPerSecond: seconds > 0 ? rows.rows / seconds : 0,
      workers,
      chunkRows,
      provider,
      columns: [ROW_COLUMN, ...ids, ...outputNames],
    };
  } catch (err) {
    await staged.discard();
    if (err instanceof UnscorableRows) {
      const seconds = (performance.now() - started) / 1000;
      return {
        input: input.files,
        output: options.output,
        format,
        rows: 0,
        scored: 0,
        rejected: err.rejects.length,
        rejectPath: null,
        firstRejects: err.rejects,
        failed: true,
        seconds,
        rowsPerSecond: 0,
        workers,
        chunkRows,
        provider,
        columns: [ROW_COLUMN, ...ids, ...outputNames],
      };
    }
    if (isUserError(err)) throw err;
    throw new UserError(`${options.input.path}: cannot score: ${duckdbMessage(err)}`);
  } finally {
    await scorer.close();
    writer.close();
  }
}

/** The output columns; a model whose inputs or outputs do not fit its spec is a UserError naming it. */
function planModel(session: InferenceSession, model: BatchOptions['model']): PredictionColumns {
  try {
    const signature = readSignature(session);
    planInputs(signature, model.spec);
    return predictionColumns(model.spec, planOutputs(signature, model.spec));
  } catch (err) {
    throw isUserError(err) ? new UserError(`${model.label}: ${err.message}`) : err;
  }
}

/** Reads the input chunk by chunk and keeps up to `workers + 1` chunks scoring, writing them in order. */
async function stream(
  db: Database,
  sql: string,
  builder: ChunkBuilder,
  scorer: Scorer,
  workers: number,
  write: (chunk: ScoringChunk, predictions: ColumnPredictions) => Promise<void>,
): Promise<void> {
  const inFlight: InFlight[] = [];
  const limit = Math.max(1, workers) + 1;
  const drain = async () => {
    const next = inFlight.shift();
    if (next) await write(next.chunk, await next.predictions);
  };
  const submit = async () => {
    const chunk = builder.take();
    const predictions = scorer.score(chunk.set);
    // Awaited in order later; marked handled now so an early failure is not "unhandled".
    predictions.catch(() => undefined);
    inFlight.push({ chunk, predictions });
    while (inFlight.length >= limit) await drain();
  };
  // The whole read holds the input's connection: nothing else queries it meanwhile.
  await db.exclusive(async (connection) => {
    const result = await connection.stream(sql);
    for (
      let chunk = await result.fetchChunk();
      chunk && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      let from = 0;
      while (from < chunk.rowCount) {
        from += builder.add(chunk, from);
        if (builder.full) await submit();
      }
    }
  });
  if (builder.size > 0) await submit();
  while (inFlight.length > 0) await drain();
}
