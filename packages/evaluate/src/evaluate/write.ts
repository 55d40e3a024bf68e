import { join } from 'node:path';
import { writeFileAtomic } from '@modelgate/core';
import { buildReport } from '../report/build-report.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import { EVALUATION_FILES, type EvaluationDocument } from './document.js';

export interface EvaluationReports {
  json: string;
  markdown: string;
  html: string;
}

/** evaluation.json, report.md and report.html of one document. */
export function renderEvaluation(doc: EvaluationDocument): EvaluationReports {
  const content = buildReport(doc);
  return {
    json: `${JSON.stringify(doc, null, 2)}\n`,
    markdown: renderMarkdown(content),
    html: renderHtml(content),
  };
}

/** Writes the three files into `dir` (a staging directory: the caller commits it). */
export async function writeEvaluation(dir: string, doc: EvaluationDocument): Promise<EvaluationReports> {
  const reports = renderEvaluation(doc);
  await writeFileAtomic(join(dir, EVALUATION_FILES.json), reports.json);
  await writeFileAtomic(join(dir, EVALUATION_FILES.markdown), reports.markdown);
  await writeFileAtomic(join(dir, EVALUATION_FILES.html), reports.html);
  return reports;
}
