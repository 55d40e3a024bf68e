import type { HistoryEvent } from '@modelgate/registry';
import type { LoadedVersion } from '../load/registry.js';
import { commitUrl, pullUrl } from '../load/repository.js';
import { versionMetrics } from '../metrics.js';
import { linkTo, SITE_PATHS } from '../paths.js';
import { eventKind, eventText, pullRequestOf, type StageInfo } from '../timeline.js';
import { renderMarkdown } from './card.js';
import { lineChart } from './chart.js';
import { code, day, esc, link, metric, missingNotice, section, table, time } from './html.js';
import { renderPage } from './layout.js';
import { featuredVersion, type ModelView } from './model-view.js';
import { monitoringSummary } from './monitoring-page.js';
import { fileFacts, lineage, signatureTable } from './version-facts.js';
import { statusBadges, verdictBadge } from './version-page.js';

function commitLink(view: ModelView, sha: string | null): string {
  if (!sha) return '—';
  const url = view.repository ? commitUrl(view.repository, sha) : null;
  const text = `<code>${esc(sha.slice(0, 7))}</code>`;
  return url ? `<a href="${esc(url)}" aria-label="commit ${esc(sha.slice(0, 7))}">${text}</a>` : text;
}

function prLink(view: ModelView, pr: number | null): string {
  if (pr === null) return '—';
  return view.repository ? link(pullUrl(view.repository, pr), `#${pr}`) : esc(`#${pr}`);
}

export function stageCells(view: ModelView, s: StageInfo, path: string): string[] {
  const primary = view.charted[0];
  const version = s.version ? view.model.versions.find((v) => v.version === s.version) : undefined;
  const value = version && primary ? versionMetrics(version).values[primary] : undefined;
  return [
    esc(s.stage),
    s.version
      ? version
        ? link(linkTo(path, SITE_PATHS.version(view.model.name, s.version)), s.version)
        : `${esc(s.version)} <span class="muted">(no such version)</span>`
      : '<span class="muted">none</span>',
    primary && value !== undefined ? `${metric(value)} <span class="muted">${esc(primary)}</span>` : '—',
    time(s.since),
    commitLink(view, s.commit),
    prLink(view, s.pullRequest),
  ];
}

function stagesSection(view: ModelView, path: string): string {
  const error = view.model.stagesError ? missingNotice([view.model.stagesError]) : '';
  return `${error}${table(
    'Stages',
    [
      { header: 'stage' },
      { header: 'version' },
      { header: 'primary metric' },
      { header: 'since' },
      { header: 'commit' },
      { header: 'pull request' },
    ],
    view.stages.map((s) => stageCells(view, s, path)),
  )}`;
}

function chartsSection(view: ModelView): string {
  const { versions } = view.model;
  if (view.charted.length === 0) return '<p class="muted">No version has metrics to chart.</p>';
  const sources = new Set(versions.map((v) => versionMetrics(v).source));
  const note = sources.has('metadata.json')
    ? '<p class="muted">Versions without an evaluation.json are drawn from the metrics their metadata.json recorded.</p>'
    : '';
  const charts = view.charted.map((name, i) =>
    lineChart({
      id: `metric-${i}`,
      series: name,
      title: `${name}${i === 0 ? ' (primary)' : ''} by version`,
      label: name,
      points: versions.map((v) => ({ x: v.version, value: versionMetrics(v).values[name] ?? null })),
    }),
  );
  return `${note}<div class="charts">${charts.join('\n')}</div>`;
}

function versionsSection(view: ModelView, path: string): string {
  const metrics = view.charted;
  const rows = [...view.model.versions].reverse().map((v: LoadedVersion) => {
    const values = versionMetrics(v).values;
    return [
      link(linkTo(path, SITE_PATHS.version(v.name, v.version)), v.version),
      v.metadata ? day(v.metadata.createdAt) : '—',
      `${statusBadges(v)}${v.missing.length > 0 ? ' <span class="badge warn">incomplete</span>' : ''}`,
      verdictBadge(v.evaluation?.verdict) || '—',
      ...metrics.map((m) => metric(values[m])),
      v.metadata?.trainer ? code(v.metadata.trainer) : '—',
      v.metadata?.parent ? esc(v.metadata.parent) : '—',
    ];
  });
  return table(
    'Versions',
    [
      { header: 'version' },
      { header: 'registered' },
      { header: 'status' },
      { header: 'gate' },
      ...metrics.map((m) => ({ header: m, numeric: true })),
      { header: 'trainer' },
      { header: 'parent' },
    ],
    rows,
  );
}

function timelineSection(view: ModelView, path: string): string {
  const { history } = view;
  if (history === null)
    return '<p class="muted">No git history: the registry is not in a git repository.</p>';
  if (history.length === 0) return '<p class="muted">No commits touch this model yet.</p>';
  const item = (e: HistoryEvent) => {
    const version = e.event === 'stage' ? e.to : e.version;
    const pr = pullRequestOf(e.subject);
    const versionLink =
      version && view.versionNames.has(version)
        ? ` ${link(linkTo(path, SITE_PATHS.version(view.model.name, version)), `(${version})`, ` aria-label="version ${esc(version)}"`)}`
        : '';
    return `<li class="event ${eventKind(e)}"><span class="when">${time(e.date)}</span> <strong>${esc(eventText(e))}</strong>${versionLink} <span class="who">by ${esc(e.author)}</span> · ${commitLink(view, e.commit)}${pr !== null ? ` · ${prLink(view, pr)}` : ''}</li>`;
  };
  return `<ol class="timeline">${history.map(item).join('\n')}</ol>`;
}

function featuredSection(view: ModelView, path: string): string {
  const v = featuredVersion(view);
  if (!v) return '<p class="muted">No versions yet.</p>';
  const ctx = { path, repository: view.repository, versions: view.versionNames };
  const which = v.stages.length > 0 ? `the version in ${v.stages.join(', ')}` : 'the latest version';
  const intro = `<p>${link(linkTo(path, SITE_PATHS.version(v.name, v.version)), v.version)}, ${esc(which)}.</p>`;
  if (!v.metadata) return `${intro}${missingNotice(v.missing)}`;
  return `${intro}
<h3>Lineage</h3>
${lineage(v.metadata, ctx, 4)}
<h3>Signature</h3>
${signatureTable(v.metadata)}
<h3>Model file</h3>
${fileFacts(v.metadata)}
<details class="card"><summary>Model card (card.md of ${esc(v.version)})</summary>
${v.card ? renderMarkdown(v.card, 4) : '<p class="muted">No card.md.</p>'}
</details>`;
}

/** A model: stages, metrics across versions, every version, its timeline and the version in production. */
export function renderModelPage(view: ModelView): string {
  const { model } = view;
  const path = SITE_PATHS.model(model.name);
  const latest = model.versions.at(-1);
  const featured = featuredVersion(view);
  const summary = [
    view.task ? `${esc(view.task)} model` : 'model',
    `${model.versions.length} ${model.versions.length === 1 ? 'version' : 'versions'}`,
    latest
      ? `latest ${link(linkTo(path, SITE_PATHS.version(model.name, latest.version)), latest.version)}`
      : '',
    view.charted[0] ? `primary metric ${code(view.charted[0])}` : '',
  ].filter(Boolean);
  const main = [
    `<h1>${esc(model.name)}</h1>`,
    `<p>${summary.join(' · ')}</p>`,
    section('stages', 'Stages', stagesSection(view, path)),
    view.monitoring.length > 0 ? section('monitoring', 'Monitoring', monitoringSummary(view, path)) : '',
    section('metrics', 'Metrics across versions', chartsSection(view)),
    section('versions', 'Versions', versionsSection(view, path)),
    section('timeline', 'Timeline', timelineSection(view, path)),
    featured ? section('featured', `About ${featured.version}`, featuredSection(view, path)) : '',
  ];
  return renderPage(
    {
      path,
      title: `${model.name} · model registry`,
      crumbs: [{ text: 'Models', href: SITE_PATHS.catalogue }, { text: model.name }],
      main: main.filter(Boolean).join('\n'),
    },
    view.site,
  );
}
