import type { ColumnData } from '@modelgate/core';
import type { ColumnPredictions, ColumnsSpec } from '../columns.js';
import type { ScoringChunk } from './chunk.js';
import type { PredictionColumns } from './output-columns.js';
import type { PartSink } from './sink.js';
import type { RejectedRow } from './types.js';

/** Stops an onError 'fail' run at the first chunk with rows that cannot be scored. */
export class UnscorableRows extends Error {
  constructor(readonly rejects: RejectedRow[]) {
    super(`${rejects.length} rows cannot be scored`);
  }
}

const FIRST_REJECTS = 20;

function isMissing(column: ColumnData, i: number): boolean {
  return 'codes' in column ? (column.codes[i] as number) < 0 : column.valid[i] === 0;
}

/** Why the model's answer for row i is no score: NaN from missing values it cannot take. */
function unscoredReason(
  chunk: ScoringChunk,
  predictions: ColumnPredictions,
  width: number,
  i: number,
): string | undefined {
  const values = predictions.prediction ?? predictions.probabilities;
  if (!values) return undefined;
  const w = predictions.prediction ? 1 : width;
  for (let j = 0; j < w; j++) {
    if (!Number.isFinite(values[i * w + j] as number)) {
      const missing = chunk.set.features.filter((c) => isMissing(c, i)).map((c) => `'${c.name}'`);
      return missing.length > 0
        ? `the model cannot score a missing value in ${missing.join(', ')}`
        : 'the model gave no finite score';
    }
  }
  return undefined;
}

/** Writes scored rows to the output and unscorable ones to the reject sink (or stops), in input order. */
export class RowWriter {
  rows = 0;
  scored = 0;
  rejected = 0;
  readonly firstRejects: RejectedRow[] = [];

  constructor(
    private readonly spec: ColumnsSpec,
    private readonly columns: PredictionColumns,
    private readonly output: PartSink,
    private readonly rejects: PartSink | undefined,
  ) {}

  async write(chunk: ScoringChunk, predictions: ColumnPredictions): Promise<void> {
    const n = chunk.set.rows;
    const classes = this.spec.classes ?? [];
    const width = classes.length;
    const reasons: (string | undefined)[] = new Array(n);
    const failed: RejectedRow[] = [];
    for (let i = 0; i < n; i++) {
      const reason = chunk.reasons.get(i) ?? unscoredReason(chunk, predictions, width, i);
      reasons[i] = reason;
      if (reason === undefined) continue;
      const rejected = { row: chunk.firstRow + i, reason };
      if (!this.rejects) failed.push(rejected);
      else if (this.firstRejects.length < FIRST_REJECTS) this.firstRejects.push(rejected);
    }
    if (failed.length > 0) throw new UnscorableRows(failed.slice(0, FIRST_REJECTS));
    const out = await this.output.rows();
    const idTypes = chunk.ids.map((_, k) => out.columnType(k + 1));
    const { label, probabilities, prediction } = predictions;
    for (let i = 0; i < n; i++) {
      if (reasons[i] !== undefined) continue;
      out.appendBigInt(BigInt(chunk.firstRow + i));
      chunk.ids.forEach((values, k) => {
        out.appendValue(values[i] ?? null, idTypes[k]);
      });
      if (this.columns.label && label) out.appendVarchar(classes[label[i] as number] ?? '');
      if (this.columns.probabilities.length > 0 && probabilities) {
        for (let j = 0; j < width; j++) out.appendFloat(probabilities[i * width + j] as number);
      }
      if (this.columns.prediction && prediction) out.appendFloat(prediction[i] as number);
      this.output.endRow();
      this.scored++;
    }
    await this.output.flush();
    if (this.rejects) await this.writeRejects(this.rejects, chunk, reasons);
    this.rows += n;
  }

  private async writeRejects(sink: PartSink, chunk: ScoringChunk, reasons: (string | undefined)[]) {
    let any = false;
    for (let i = 0; i < reasons.length; i++) {
      const reason = reasons[i];
      if (reason === undefined) continue;
      const rej = await sink.rows();
      rej.appendBigInt(BigInt(chunk.firstRow + i));
      chunk.ids.forEach((values, k) => {
        rej.appendValue(values[i] ?? null, rej.columnType(k + 1));
      });
      rej.appendVarchar(reason);
      sink.endRow();
      this.rejected++;
      any = true;
    }
    if (any) await sink.flush();
  }
}
