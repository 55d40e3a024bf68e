import { errorMessage } from '@modelgate/core';
import { hourKey } from '../../prediction-log/layout.js';
import {
  type LineColumns,
  lineColumns,
  lineHead,
  lineTail,
  loggedColumns,
  pushRowLines,
} from '../../prediction-log/rows.js';
import type { ShadowLines } from '../../prediction-log/types.js';
import type { ModelView } from '../models.js';
import { predictionEntry } from '../prediction-entry.js';
import { servedOutputs } from '../served-outputs.js';
import { rowsOf, type TensorData } from '../tensor.js';

// Its arrays are the lines' own (a pooled Buffer would carry its whole pool to the server).
const encoder = new TextEncoder();

/** One answered request in a shadow batch, in the batch's row order. */
export interface ShadowCopy {
  requestId: string;
  /** When the production answered it (ms since the epoch): its shadow rows fall in the same hour. */
  answeredMs: number;
  rows: number;
  /** Whether the prediction log keeps it (its sampling, asked on the HTTP thread). */
  log: boolean;
}

/** What a shadow batch asks of its worker beyond inference. */
export interface ShadowTask {
  /** The production model the shadow's rows are filed under. */
  shadowOf: string;
  copies: ShadowCopy[];
  /** When the batch was handed over (ms, `performance.timeOrigin + performance.now()`): its latency's start. */
  sentAt: number;
  /** Write the logged copies' lines here (the sink takes ready lines); otherwise the HTTP thread logs them. */
  lines: boolean;
}

export interface ShadowResult {
  /** Per copy: why its outputs cannot be served, or null when they can. */
  errors: (string | null)[];
  /** The logged copies' rows as `shadow-<hour>Z.jsonl` lines, by hour; none once the shadow's process appended them. */
  lines: ShadowLines[];
  latencyMs: number;
  /** Why the shadow's process could not append some of the lines itself. */
  logError?: string;
}

/** A batch's (or a copy's) rows as the log writes them: built once, each copy's lines are its rows of them. */
function logColumns(
  model: ModelView,
  inputs: readonly TensorData[],
  outputs: readonly TensorData[],
  rows: number,
) {
  const entry = predictionEntry(model, '', inputs, outputs, rows);
  return lineColumns(loggedColumns(entry.inputs, rows), loggedColumns(entry.outputs, rows));
}

const HOUR_MS = 3_600_000;

/** The logged copies' lines by the hour their production answer fell in. */
class LinesByHour {
  private readonly hours = new Map<number, { hour: string; requests: number; lines: string[] }>();

  constructor(
    private readonly model: ModelView,
    private readonly shadowOf: string,
    private readonly tail: string,
  ) {}

  add(copy: ShadowCopy, columns: LineColumns, from: number): void {
    const time = new Date(Number.isFinite(copy.answeredMs) ? copy.answeredMs : Date.now());
    const at = Math.floor(time.getTime() / HOUR_MS);
    let group = this.hours.get(at);
    if (!group) {
      group = { hour: hourKey(time), requests: 0, lines: [] };
      this.hours.set(at, group);
    }
    const head = lineHead({
      time,
      requestId: copy.requestId,
      model: this.model.name,
      version: this.model.version,
      role: 'shadow',
    });
    group.requests += 1;
    pushRowLines(group.lines, head, this.tail, columns, from, copy.rows);
  }

  encoded(): ShadowLines[] {
    return [...this.hours.values()].map((group) => ({
      shadowOf: this.shadowOf,
      hour: group.hour,
      requests: group.requests,
      rows: group.lines.length,
      data: encoder.encode(group.lines.join('')),
    }));
  }
}

/**
 * In the shadow's process (or its worker), at its low priority: checks each copy's outputs as the server would answer
 * them and, for the logged ones, writes the log lines, so the HTTP thread and the log's writer only
 * move bytes. `raw` is the batch's outputs, `inputs` its inputs.
 */
export function scoreShadowCopies(
  model: ModelView,
  task: ShadowTask,
  inputs: readonly TensorData[],
  raw: TensorData[],
  now: number,
): ShadowResult {
  const latencyMs = now - task.sentAt;
  const total = task.copies.reduce((n, c) => n + c.rows, 0);
  let batch: TensorData[] | undefined;
  try {
    batch = servedOutputs(model, inputs, raw, total);
  } catch {
    // One copy's row fails the batch; each is checked on its own below, so only that one fails.
  }
  const logged = task.lines && task.copies.some((c) => c.log);
  const batchColumns = batch && logged ? logColumns(model, inputs, batch, total) : undefined;
  const lines = new LinesByHour(model, task.shadowOf, lineTail(latencyMs));
  const errors: (string | null)[] = [];
  let offset = 0;
  for (const copy of task.copies) {
    const from = offset;
    offset += copy.rows;
    if (batch) {
      errors.push(null);
      if (batchColumns && copy.log) lines.add(copy, batchColumns, from);
      continue;
    }
    const own = rowsOf(inputs, from, copy.rows);
    let outputs: TensorData[];
    try {
      outputs = servedOutputs(model, own, rowsOf(raw, from, copy.rows), copy.rows);
    } catch (err) {
      errors.push(errorMessage(err));
      continue;
    }
    errors.push(null);
    if (task.lines && copy.log) lines.add(copy, logColumns(model, own, outputs, copy.rows), 0);
  }
  return { errors, lines: lines.encoded(), latencyMs };
}
