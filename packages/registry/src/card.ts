import { markdownCell, markdownCode, renderMarkdownTable } from '@modelgate/core';
import type { VersionMetadata } from './metadata.js';
import type { TensorSignature } from './onnx/signature.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.map((d) => (d < 0 ? 'N' : String(d))).join(', ')}]`;
}

export function formatMetric(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4).replace(/\.?0+$/, '');
}

const code = (value: string) => markdownCode(value, 80);

/** An https address of plain characters: safe as an autolink, nothing in it can end the link or the cell. */
const PLAIN_HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(?::[0-9]+)?(?:\/[A-Za-z0-9._~/-]*)?$/;

/** The CI run as a link when it is a plain https address (a GitHub Actions run), else as text. */
function ciRunCell(url: string): string {
  return PLAIN_HTTPS_URL.test(url) ? `<${url}>` : markdownCell(url);
}

/** The feature names of the spec the training step recorded (the order of a packed input). */
function specFeatures(spec: unknown): string[] {
  if (typeof spec !== 'object' || spec === null) return [];
  const { features } = spec as { features?: unknown };
  if (!Array.isArray(features)) return [];
  return features.flatMap((f: unknown) =>
    typeof f === 'object' && f !== null && typeof (f as { name?: unknown }).name === 'string'
      ? [(f as { name: string }).name]
      : [],
  );
}

function overview(m: VersionMetadata): string {
  const rows: [string, string][] = [
    [
      'model',
      `${code(m.model.file)}, ${formatBytes(m.model.bytes)}${m.model.storage === 'lfs' ? ' (Git LFS)' : ''}`,
    ],
    ['sha256', code(m.model.sha256)],
    ['registered', markdownCell(m.createdAt)],
  ];
  if (m.task) rows.push(['task', `${markdownCell(m.task)}${m.target ? ` of ${code(m.target)}` : ''}`]);
  if (m.trainer) rows.push(['trainer', code(m.trainer)]);
  rows.push(['parent', m.parent ? code(m.parent) : 'none']);
  if (m.code.commit) rows.push(['code commit', code(m.code.commit)]);
  if (m.configHash) rows.push(['config hash', code(m.configHash)]);
  if (m.ciRun) rows.push(['CI run', ciRunCell(m.ciRun)]);
  return renderMarkdownTable({
    columns: [{ header: 'field' }, { header: 'value', markdown: true }],
    rows,
  });
}

function signatureTable(inputs: readonly TensorSignature[], outputs: readonly TensorSignature[]): string {
  const row = (kind: string) => (t: TensorSignature) => [
    kind,
    code(t.name),
    code(t.type),
    code(formatShape(t.shape)),
  ];
  return renderMarkdownTable({
    columns: [
      { header: '' },
      { header: 'name', markdown: true },
      { header: 'type', markdown: true },
      { header: 'shape', markdown: true },
    ],
    rows: [...inputs.map(row('input')), ...outputs.map(row('output'))],
  });
}

function keyValueTable(header: string, entries: [string, string][]): string {
  return renderMarkdownTable({
    columns: [{ header }, { header: 'value', align: 'right' }],
    rows: entries,
  });
}

function dataTable(data: Record<string, unknown>): string | undefined {
  const rows = Object.entries(data).flatMap(([split, value]) => {
    if (typeof value !== 'object' || value === null) return [];
    const f = value as { sha256?: unknown; rows?: unknown; columns?: unknown };
    return [
      [
        markdownCell(split),
        typeof f.sha256 === 'string' ? code(f.sha256.slice(0, 16)) : '',
        typeof f.rows === 'number' ? String(f.rows) : '',
        typeof f.columns === 'number' ? String(f.columns) : '',
      ],
    ];
  });
  if (rows.length === 0) return undefined;
  return renderMarkdownTable({
    columns: [
      { header: 'data', markdown: true },
      { header: 'sha256', markdown: true },
      { header: 'rows', align: 'right' },
      { header: 'columns', align: 'right' },
    ],
    rows,
  });
}

/**
 * The model card: a reviewer reads it in the pull request that adds the
 * version. It holds nothing that changes later (stages live in stages.yaml).
 */
export function renderCard(m: VersionMetadata): string {
  const sections = [`# ${markdownCell(m.name)} ${m.version}`, overview(m)];
  if (m.signature) {
    sections.push('## Signature', signatureTable(m.signature.inputs, m.signature.outputs));
  }
  const features = specFeatures(m.training.spec);
  if (features.length > 0) {
    sections.push('## Features', `In input order: ${features.map(code).join(', ')}`);
  }
  if (m.classes) sections.push('## Classes', m.classes.map(code).join(', '));
  const metrics = Object.entries(m.metrics);
  if (metrics.length > 0) {
    sections.push(
      '## Metrics',
      keyValueTable(
        'metric',
        metrics.map(([k, v]) => [k, formatMetric(v)]),
      ),
    );
  }
  const params = Object.entries(m.params);
  if (params.length > 0) {
    sections.push(
      '## Parameters',
      keyValueTable(
        'parameter',
        params.map(([k, v]) => [k, String(v)]),
      ),
    );
  }
  const data = dataTable(m.data);
  if (data) sections.push('## Data', data);
  const files = Object.entries(m.files);
  if (files.length > 0) {
    sections.push(
      '## Files',
      renderMarkdownTable({
        columns: [
          { header: 'file', markdown: true },
          { header: 'size', align: 'right' },
          { header: 'sha256', markdown: true },
        ],
        rows: files.map(([file, d]) => [code(file), formatBytes(d.bytes), code(d.sha256)]),
      }),
    );
  }
  return `${sections.join('\n\n')}\n`;
}
