import { markdownCode, markdownText, renderMarkdownTable } from '@modelgate/core';
import type { BatchResult } from '@modelgate/runtime';
import type { CommandOutcome, Finding } from '../outcome.js';
import type { PredictModel } from './predict-model.js';

const TITLE = 'Batch prediction';
const SHOWN_REJECTS = 10;

const count = (n: number) => n.toLocaleString('en-US');
const threads = (workers: number) =>
  workers === 0 ? 'on the main thread' : `${workers} worker thread${workers === 1 ? '' : 's'}`;
const rate = (n: number) => `${count(Math.round(n))} rows/s`;
/** Paths in the job summary: code spans, long enough to stay whole. */
const path = (p: string) => markdownCode(p, 200);

function rejectLines(result: BatchResult): string[] {
  const shown = result.firstRejects.slice(0, SHOWN_REJECTS);
  return shown.map((r) => `  row ${r.row}: ${r.reason}`);
}

/** `removedRejects`: an earlier run's reject file that --force removed, this run having rejected no rows. */
export function predictOutcome(
  result: BatchResult,
  model: PredictModel,
  removedRejects?: string,
): CommandOutcome {
  const data = {
    model: { label: model.label, version: model.version, sha256: model.sha256, specSource: model.specSource },
    ...result,
    ...(removedRejects ? { removedRejects } : {}),
  };
  if (result.failed) {
    const text = [
      `predict: rows that cannot be scored (--on-error fail); nothing written to ${result.output}:`,
      ...rejectLines(result),
      'Fix the rows, or pass --on-error reject to write them to a reject file and score the rest.',
    ].join('\n');
    const findings: Finding[] = [{ level: 'error', title: TITLE, message: text }];
    return {
      exitCode: 1,
      data,
      text,
      findings,
      summary: `### ${TITLE}\n\n:x: rows that cannot be scored; nothing written.\n\n${result.firstRejects
        .map((r) => `- row ${r.row}: ${markdownText(r.reason)}`)
        .join('\n')}\n`,
    };
  }
  const lines = [
    `scored ${count(result.scored)} of ${count(result.rows)} rows with ${model.version} in ${result.seconds.toFixed(1)}s (${rate(result.rowsPerSecond)}, ${threads(result.workers)}${result.provider === 'cuda' ? ', on CUDA' : ''})`,
    `wrote ${result.output}`,
    ...(removedRejects
      ? [`removed ${removedRejects}: an earlier run's rejected rows (this run rejected none)`]
      : []),
  ];
  const findings: Finding[] = [];
  if (result.rejected > 0) {
    lines.push(`rejected ${count(result.rejected)} rows -> ${result.rejectPath}:`, ...rejectLines(result));
    findings.push({
      level: 'warning',
      title: TITLE,
      message: `${count(result.rejected)} rows could not be scored; see ${result.rejectPath}`,
    });
  }
  const table = renderMarkdownTable({
    columns: [
      { header: 'rows' },
      { header: 'scored' },
      { header: 'rejected' },
      { header: 'time' },
      { header: 'rows/s' },
      { header: 'model', markdown: true },
    ],
    rows: [
      [
        count(result.rows),
        count(result.scored),
        count(result.rejected),
        `${result.seconds.toFixed(1)}s`,
        count(Math.round(result.rowsPerSecond)),
        markdownCode(model.version),
      ],
    ],
  });
  const summary = `### ${TITLE}\n\n${table}\n\nOutput: ${path(result.output)}${result.rejectPath ? `; rejected rows: ${path(result.rejectPath)}` : ''}\n`;
  return { exitCode: 0, data, text: lines.join('\n'), findings, summary };
}
