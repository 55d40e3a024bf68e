import { formatBytes, formatMetric, formatShape, type VersionMetadata } from '@modelgate/registry';
import type { RepositoryLinks } from '../load/repository.js';
import { commitUrl } from '../load/repository.js';
import { linkTo, SITE_PATHS } from '../paths.js';
import { code, esc, externalLink, facts, link, table, time } from './html.js';

export interface FactsContext {
  /** The page these facts are on. */
  path: string;
  repository: RepositoryLinks | null;
  /** Versions that have a page: a parent outside them is plain text. */
  versions: ReadonlySet<string>;
}

function commitCell(sha: string | null, ctx: FactsContext): string {
  if (!sha) return '—';
  const url = ctx.repository ? commitUrl(ctx.repository, sha) : null;
  return url ? `<a href="${esc(url)}"><code>${esc(sha.slice(0, 12))}</code></a>` : code(sha);
}

/** The model file: digest, size, where it is stored. */
export function fileFacts(m: VersionMetadata): string {
  return facts([
    ['file', `${code(m.model.file)}${m.model.storage === 'lfs' ? ' (Git LFS)' : ''}`],
    ['size', `${esc(formatBytes(m.model.bytes))} (${m.model.bytes} bytes)`],
    ['sha256', code(m.model.sha256)],
    ...(m.onnx
      ? ([
          [
            'ONNX',
            esc(
              `IR ${m.onnx.irVersion}${m.onnx.producer ? `, ${m.onnx.producer}` : ''}; opsets ${Object.entries(
                m.onnx.opsets,
              )
                .map(([d, v]) => `${d || 'ai.onnx'} ${v}`)
                .join(', ')}`,
            ),
          ],
        ] as [string, string][])
      : []),
  ]);
}

/** Where the version came from: registration, trainer, parent, code commit, config, CI run. */
export function originFacts(m: VersionMetadata, ctx: FactsContext): string {
  const parent =
    m.parent && ctx.versions.has(m.parent)
      ? link(linkTo(ctx.path, SITE_PATHS.version(m.name, m.parent)), m.parent)
      : m.parent
        ? esc(m.parent)
        : 'none';
  return facts([
    ['registered', time(m.createdAt)],
    ['task', m.task ? `${esc(m.task)}${m.target ? ` of ${code(m.target)}` : ''}` : '—'],
    ['classes', m.classes ? m.classes.map(code).join(', ') : '—'],
    ['trainer', m.trainer ? code(m.trainer) : '—'],
    ['parent version', parent],
    ['training commit', commitCell(m.code.commit, ctx)],
    ['config hash', m.configHash ? code(m.configHash) : '—'],
    ['CI run', m.ciRun ? externalLink(m.ciRun, m.ciRun) : '—'],
  ]);
}

export function signatureTable(m: VersionMetadata): string {
  if (!m.signature) return '<p class="muted">No signature recorded.</p>';
  const row = (kind: string) => (t: { name: string; type: string; shape: number[] }) => [
    esc(kind),
    code(t.name),
    code(t.type),
    code(formatShape(t.shape)),
  ];
  return table(
    'Signature',
    [{ header: 'tensor' }, { header: 'name' }, { header: 'type' }, { header: 'shape' }],
    [...m.signature.inputs.map(row('input')), ...m.signature.outputs.map(row('output'))],
  );
}

export function dataTable(m: VersionMetadata): string {
  const rows = Object.entries(m.data).map(([split, value]) => {
    const f = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    return [
      code(split),
      typeof f.sha256 === 'string' ? code(f.sha256) : '—',
      typeof f.rows === 'number' ? String(f.rows) : '—',
      typeof f.columns === 'number' ? String(f.columns) : '—',
    ];
  });
  if (rows.length === 0) return '<p class="muted">No data fingerprints recorded.</p>';
  return table(
    'Data fingerprints',
    [
      { header: 'data' },
      { header: 'sha256' },
      { header: 'rows', numeric: true },
      { header: 'columns', numeric: true },
    ],
    rows,
  );
}

export function paramsTable(m: VersionMetadata): string {
  const rows = Object.entries(m.params).map(([k, v]) => [
    code(k),
    typeof v === 'number' ? esc(formatMetric(v)) : code(String(v)),
  ]);
  if (rows.length === 0) return '<p class="muted">No parameters recorded.</p>';
  return table('Parameters', [{ header: 'parameter' }, { header: 'value', numeric: true }], rows);
}

/** Lineage: data fingerprints and parameters, under the facts of where the version came from. */
export function lineage(m: VersionMetadata, ctx: FactsContext, level = 3): string {
  return `${originFacts(m, ctx)}
<h${level}>Data fingerprints</h${level}>
${dataTable(m)}
<h${level}>Parameters</h${level}>
${paramsTable(m)}`;
}
