import { buildReport, renderReportBody } from '@modelgate/evaluate';
import type { EvaluationSummary } from '../load/evaluation.js';
import type { LoadedVersion } from '../load/registry.js';
import { SITE_PATHS } from '../paths.js';
import type { Problems } from '../problems.js';
import { renderMarkdown } from './card.js';
import { renderDiff } from './diff.js';
import { code, esc, metric, missingNotice, section, table } from './html.js';
import { renderPage } from './layout.js';
import type { ModelView } from './model-view.js';
import { fileFacts, lineage, signatureTable } from './version-facts.js';

export function verdictBadge(verdict: 'pass' | 'fail' | null | undefined): string {
  if (!verdict) return '';
  return `<span class="badge ${verdict}">gate: ${verdict}</span>`;
}

export function statusBadges(v: LoadedVersion): string {
  return [
    ...v.stages.map((s) => `<span class="badge stage">${esc(s)}</span>`),
    ...(v.archived ? ['<span class="badge archived">archived</span>'] : []),
  ].join(' ');
}

function gateSection(evaluation: EvaluationSummary | null): string {
  if (!evaluation) return '<p class="muted">No evaluation.json: the gate verdict is unknown.</p>';
  const head = `<p>${verdictBadge(evaluation.verdict) || '<span class="muted">no verdict recorded</span>'} ${esc(evaluation.summary ?? '')}</p>`;
  const champion = evaluation.champion
    ? `<p>Compared with the champion ${code(evaluation.champion)}.</p>`
    : '';
  if (evaluation.rules.length === 0) return `${head}${champion}`;
  return `${head}${champion}${table(
    'Gate rules',
    [{ header: 'metric' }, { header: 'rule' }, { header: 'status' }, { header: 'reason' }],
    evaluation.rules.map((r) => [code(r.metric), code(r.rule), esc(r.status), esc(r.reason)]),
  )}`;
}

/** Every metric of the evaluation, for one whose report cannot be drawn. */
function metricsTable(evaluation: EvaluationSummary): string {
  const rows = [
    ...Object.entries(evaluation.metrics).map(([k, v]) => [code(k), metric(v)]),
    ...Object.entries(evaluation.undefinedMetrics).map(([k, why]) => [
      code(k),
      `<span class="muted">undefined: ${esc(why)}</span>`,
    ]),
  ];
  if (rows.length === 0) return '<p class="muted">It records no metrics.</p>';
  return table('Evaluation metrics', [{ header: 'metric' }, { header: 'value', numeric: true }], rows);
}

function reportSection(v: LoadedVersion, path: string, problems: Problems): string {
  const evaluation = v.evaluation;
  const doc = evaluation?.document;
  if (!evaluation) return '<p class="muted">No evaluation.json.</p>';
  if (!doc) {
    const why = evaluation.olderFormat
      ? `This evaluation.json was written by an earlier modelgate (${esc(evaluation.noReport ?? '')}): its metrics are below.`
      : `evaluation.json is not a full evaluation (${esc(evaluation.noReport ?? '')}): its metrics are below.`;
    return `<p class="muted">${why}</p>
${metricsTable(evaluation)}`;
  }
  try {
    return `<div class="report" role="region" aria-label="Evaluation report" tabindex="0">${renderReportBody(buildReport(doc), 3)}</div>`;
  } catch (err) {
    const line = problems.add(
      'error',
      path,
      `evaluation.json: cannot render its report: ${(err as Error).message.split('\n')[0]}`,
    );
    return `<p class="notice">${esc(line)}</p>`;
  }
}

function changes(view: ModelView, v: LoadedVersion, index: number): string {
  const { versions } = view.model;
  const previous = versions
    .slice(0, index)
    .reverse()
    .find((p) => p.metadata !== null);
  const parts: string[] = [];
  if (!v.metadata) return '<p class="muted">No metadata.json: nothing to compare.</p>';
  parts.push(
    previous?.metadata
      ? `<h3>Against the previous version, ${esc(previous.version)}</h3>\n${renderDiff(`Changes from ${previous.version}`, previous.metadata, v.metadata)}`
      : '<h3>Against the previous version</h3>\n<p class="muted">This is the first version.</p>',
  );
  const stage = view.lastStage;
  const served = stage ? view.model.stages[stage] : undefined;
  const production = served ? versions.find((p) => p.version === served) : undefined;
  if (stage) {
    const title = `<h3>Against ${esc(stage)}${served ? `, ${esc(served)}` : ''}</h3>`;
    parts.push(
      !served
        ? `${title}\n<p class="muted">No version is in ${esc(stage)}.</p>`
        : served === v.version
          ? `${title}\n<p>This version is in ${esc(stage)}.</p>`
          : production?.metadata
            ? `${title}\n${renderDiff(`Changes from ${served}`, production.metadata, v.metadata)}`
            : `${title}\n<p class="muted">${esc(served)} has no readable metadata.json.</p>`,
    );
  }
  return parts.join('\n');
}

/** One version: verdict, changes against the previous version and production, the report, lineage, card. */
export function renderVersionPage(view: ModelView, index: number, problems: Problems): string {
  const v = view.model.versions[index] as LoadedVersion;
  const path = SITE_PATHS.version(v.name, v.version);
  const m = v.metadata;
  const ctx = { path, repository: view.repository, versions: view.versionNames };
  const archived = v.archived
    ? `<p class="notice">Archived ${esc(v.archived.archived_at)}${v.archived.reason ? `: ${esc(v.archived.reason)}` : ''}.</p>`
    : '';
  const main = [
    `<h1>${esc(v.name)} ${esc(v.version)}</h1>`,
    `<p class="badges">${statusBadges(v)} ${verdictBadge(v.evaluation?.verdict)}</p>`,
    archived,
    missingNotice(v.missing),
    section('gate', 'Gate verdict', gateSection(v.evaluation)),
    section('changes', 'Changes', changes(view, v, index)),
    section('evaluation', 'Evaluation report', reportSection(v, path, problems)),
    m
      ? section(
          'lineage',
          'Lineage',
          `${lineage(m, ctx)}\n<h3>Signature</h3>\n${signatureTable(m)}\n<h3>Model file</h3>\n${fileFacts(m)}`,
        )
      : '',
    section(
      'card',
      'Model card',
      v.card ? `<div class="card">${renderMarkdown(v.card)}</div>` : '<p class="muted">No card.md.</p>',
    ),
  ];
  return renderPage(
    {
      path,
      title: `${v.name} ${v.version} · model registry`,
      crumbs: [
        { text: 'Models', href: SITE_PATHS.catalogue },
        { text: v.name, href: SITE_PATHS.model(v.name) },
        { text: v.version },
      ],
      main: main.filter(Boolean).join('\n'),
    },
    view.site,
  );
}
