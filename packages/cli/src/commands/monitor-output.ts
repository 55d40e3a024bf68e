import { join } from 'node:path';
import { withStagedOutputs, writeFileAtomic } from '@modelgate/core';
import { stringifyMonitorReport } from '@modelgate/monitor';

/** The JSON and Markdown file names of a report a monitor run writes into --out. */
export interface ReportFiles {
  json: string;
  markdown: string;
}

/** Writes a report's JSON and Markdown into `out` together, and says what it wrote. */
export async function writeReportFiles(
  out: string,
  files: ReportFiles,
  report: object,
  markdown: string,
): Promise<string> {
  const { replaced } = await withStagedOutputs(out, async (dir) => {
    await writeFileAtomic(join(dir, files.json), stringifyMonitorReport(report));
    await writeFileAtomic(join(dir, files.markdown), markdown);
  });
  return `Wrote ${join(out, files.json)} and ${join(out, files.markdown)}${replaced.length > 0 ? ' (replacing the previous ones)' : ''}.`;
}
