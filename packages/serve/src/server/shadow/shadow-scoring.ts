import { errorMessage } from '@modelgate/core';
import { hourKey } from '../../prediction-log/layout.js';
import { bufferRequest, requestLines } from '../../prediction-log/rows.js';
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
  /** The logged copies' rows as `shadow-<hour>Z.jsonl` lines, by hour. */
  lines: ShadowLines[];
  latencyMs: number;
}

/**
 * In the shadow's worker, at its low priority: checks each copy's outputs as the server would answer
 * them and, for the logged ones, writes the log lines, so the HTTP thread and the log's writer only
 * move strings. `raw` is the batch's outputs, `inputs` its inputs.
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
  const errors: (string | null)[] = [];
  const byHour = new Map<string, { requests: number; lines: string[] }>();
  let offset = 0;
  for (const copy of task.copies) {
    const ownInputs = rowsOf(inputs, offset, copy.rows);
    let outputs: TensorData[];
    try {
      outputs = batch
        ? rowsOf(batch, offset, copy.rows)
        : servedOutputs(model, ownInputs, rowsOf(raw, offset, copy.rows), copy.rows);
      errors.push(null);
    } catch (err) {
      errors.push(errorMessage(err));
      offset += copy.rows;
      continue;
    }
    offset += copy.rows;
    if (!task.lines || !copy.log) continue;
    const time = new Date(copy.answeredMs);
    const hour = hourKey(time);
    let group = byHour.get(hour);
    if (!group) {
      group = { requests: 0, lines: [] };
      byHour.set(hour, group);
    }
    const entry = predictionEntry(model, copy.requestId, ownInputs, outputs, copy.rows);
    const buffered = bufferRequest({
      ...entry,
      time,
      role: 'shadow',
      shadowOf: task.shadowOf,
      latencyMs,
    });
    group.requests += 1;
    for (const line of requestLines(buffered)) group.lines.push(line);
  }
  const lines = [...byHour].map(([hour, group]): ShadowLines => {
    const data = encoder.encode(group.lines.join(''));
    return { shadowOf: task.shadowOf, hour, requests: group.requests, rows: group.lines.length, data };
  });
  return { errors, lines, latencyMs };
}
