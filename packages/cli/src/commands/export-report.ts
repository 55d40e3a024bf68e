import { markdownLine, markdownText } from '@modelgate/core';
import { formatBytes } from '@modelgate/registry';
import type { QualityCheck, QuantizeResult, WebBundle } from '@modelgate/runtime';

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
const metric = (value: number) => value.toFixed(4);

export function quantizeLine(q: QuantizeResult): string {
  if (q.nothingToQuantize)
    return `quantize ${q.mode}: nothing to quantize: ${q.nothingToQuantize}; the bundle has the original model`;
  const values = q.tensors.reduce((sum, t) => sum + t.elements, 0);
  const saved = q.originalBytes - q.quantizedBytes;
  return `quantize ${q.mode}: ${q.tensors.length} tensor${q.tensors.length === 1 ? '' : 's'} (${values} values), model ${formatBytes(q.originalBytes)} -> ${formatBytes(q.quantizedBytes)} (${formatBytes(saved)}, ${percent(saved, q.originalBytes)} smaller)`;
}

export function qualityLine(check: QualityCheck): string {
  const what =
    check.metric === 'accuracy'
      ? `accuracy ${metric(check.original)} -> ${metric(check.quantized)} (drop ${metric(check.drop)})`
      : `rmse ${metric(check.original)} -> ${metric(check.quantized)} (${(check.drop * 100).toFixed(2)}% worse)`;
  const verdict = check.passed ? '<=' : 'exceeds';
  const delta = check.metric === 'accuracy' ? 'max probability delta' : 'max prediction delta';
  return `holdout ${check.holdout} (${check.rows} rows): ${what} ${verdict} tolerance ${check.tolerance}; ${delta} ${check.maxDelta.toPrecision(3)}`;
}

export function bundleLines(bundle: WebBundle, label: string): string[] {
  const total = bundle.files.reduce((sum, f) => sum + f.bytes, 0);
  const { schema } = bundle;
  const what =
    schema.task === 'regression' ? 'regression' : `${schema.task}, ${schema.classes.length} classes`;
  const lines = [
    `wrote web bundle ${bundle.out} (${bundle.files.length} files, ${formatBytes(total)}): ${label} (${what}, ${schema.features.length} features)`,
  ];
  if (bundle.replaced.length > 0) lines.push(`replaced ${bundle.replaced.length} existing files (--force)`);
  lines.push(
    `serve the directory with any static file server (e.g. npx http-server ${bundle.out}) and open index.html; import predict() from modelgate-model.js`,
  );
  return lines;
}

export function exportSummary(label: string, bundle: WebBundle | null, lines: readonly string[]): string {
  const name = markdownText(label);
  const head = bundle ? `### Web bundle of ${name}` : `### Web bundle of ${name}: refused`;
  return `${head}\n\n${lines.map((l) => `- ${markdownLine(markdownText(l))}`).join('\n')}\n`;
}
