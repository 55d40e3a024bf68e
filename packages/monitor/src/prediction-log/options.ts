import type { Dataset } from '@modelgate/core';
import type { MonitorOptions } from '../monitor/options.js';
import { OUTPUT_COLUMNS } from '../performance/columns.js';
import type { Note } from '../report/types.js';
import { describeSkipped, type SkippedLogLines } from './lines.js';
import { LOG_COLUMNS } from './load.js';

/**
 * What a prediction log implies unless told otherwise: chunks by the hour
 * of `time`, the log's own columns never features, and the model's label
 * (or regression prediction) as the monitored prediction series; what the
 * reader skipped (a torn last line, an empty file) is a note of the report.
 */
export function predictionLogOptions(
  dataset: Dataset & { skipped?: SkippedLogLines },
  options: MonitorOptions,
): MonitorOptions {
  const names = new Set(dataset.columns.map((c) => c.name));
  const skipped = dataset.skipped ? describeSkipped(dataset.skipped) : [];
  const prediction = [OUTPUT_COLUMNS.label, OUTPUT_COLUMNS.prediction].find((n) => names.has(n));
  return {
    ...options,
    time: LOG_COLUMNS.time,
    chunk: options.chunk ?? { by: 'time', unit: 'hour' },
    ignore: [...(options.ignore ?? []), ...Object.values(LOG_COLUMNS).filter((c) => c !== LOG_COLUMNS.time)],
    ...(options.prediction === undefined && prediction ? { prediction } : {}),
    ...(skipped.length > 0
      ? {
          notes: [
            ...(options.notes ?? []),
            ...skipped.map((message): Note => ({ level: 'warning', message })),
          ],
        }
      : {}),
  };
}
