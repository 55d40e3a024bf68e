import {
  type DiffRow,
  type DiffValue,
  diffMetadata,
  formatMetric,
  type VersionMetadata,
} from '@modelgate/registry';
import { code, esc, table } from './html.js';

/** The registration time and storage always differ or never matter; the rest is what a reviewer compares. */
const NOT_COMPARED = new Set(['registered', 'storage']);

function value(v: DiffValue): string {
  if (v === null) return '<span class="muted">—</span>';
  return typeof v === 'number' ? esc(formatMetric(v)) : code(String(v));
}

function delta(row: DiffRow): string {
  if (row.delta === undefined || row.delta === 0) return '';
  return esc(`${row.delta > 0 ? '+' : ''}${formatMetric(row.delta)}`);
}

/**
 * Metrics, parameters, signature, data fingerprints and model fields of `b` next to `a`: every metric,
 * and of the rest only what changed (with a count of what did not).
 */
export function renderDiff(label: string, a: VersionMetadata, b: VersionMetadata): string {
  const rows = diffMetadata(a, b).filter((r) => !(r.section === 'model' && NOT_COMPARED.has(r.key)));
  const shown = rows.filter((r) => r.changed || r.section === 'metrics');
  const same = rows.length - shown.length;
  const body = shown.map((r) => [
    esc(r.section),
    code(r.key),
    value(r.a),
    value(r.b),
    delta(r),
    r.changed ? '<span class="changed">changed</span>' : 'same',
  ]);
  const note = `<p class="muted">${same === 0 ? 'Every field is listed.' : `${same} other ${same === 1 ? 'field is' : 'fields are'} the same.`}</p>`;
  if (shown.length === 0) return `<p>No differences in metrics, parameters, signature or data.</p>${note}`;
  return `${table(
    label,
    [
      { header: 'section' },
      { header: 'field' },
      { header: a.version },
      { header: b.version },
      { header: 'change', numeric: true },
      { header: 'status' },
    ],
    body,
  )}\n${note}`;
}
