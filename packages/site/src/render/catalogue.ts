import type { CatalogueEntry } from '../catalogue-entry.js';
import { linkTo, SITE_PATHS } from '../paths.js';
import type { Problem } from '../problems.js';
import { code, day, esc, link, metric, section, table } from './html.js';
import { renderPage, type SiteContext } from './layout.js';
import { statusBadge } from './monitoring-page.js';

const path = SITE_PATHS.catalogue;

function stageCell(entry: CatalogueEntry, stage: string): string {
  const s = entry.stages.find((x) => x.stage === stage);
  if (!s?.version) return '<span class="muted">—</span>';
  const version = s.exists
    ? link(
        linkTo(path, SITE_PATHS.version(entry.name, s.version)),
        s.version,
        ` aria-label="${esc(`${entry.name} ${s.version}`)}"`,
      )
    : esc(s.version);
  const value =
    s.value !== null && entry.primaryMetric
      ? `<br><span class="metric">${metric(s.value)} ${esc(entry.primaryMetric)}</span>`
      : '';
  const since = s.since ? `<br><span class="muted">since ${day(s.since)}</span>` : '';
  return `${version}${value}${since}`;
}

/** Words the search box matches a model row on. */
function searchText(entry: CatalogueEntry): string {
  return [
    entry.name,
    entry.task ?? '',
    ...entry.stages.flatMap((s) => (s.version ? [s.stage, s.version] : [])),
    entry.monitoring?.status ?? '',
  ]
    .join(' ')
    .toLowerCase();
}

function modelsTable(entries: readonly CatalogueEntry[], stages: readonly string[]): string {
  const rows = entries.map((e) => {
    const monitored = e.monitoring?.date ? e.monitoring.date.slice(0, 10) : 'runs';
    const cells = [
      link(linkTo(path, SITE_PATHS.model(e.name)), e.name),
      e.task ? esc(e.task) : '—',
      ...stages.map((s) => stageCell(e, s)),
      esc(String(e.versions.length)),
      e.versions.at(-1)
        ? link(
            linkTo(path, SITE_PATHS.version(e.name, e.versions.at(-1)?.version ?? '')),
            e.versions.at(-1)?.version ?? '',
            ` aria-label="${esc(`${e.name} ${e.versions.at(-1)?.version}`)}"`,
          )
        : '—',
      e.monitoring
        ? `${statusBadge(e.monitoring.status)}<br>${link(linkTo(path, SITE_PATHS.monitoring(e.name)), monitored, ` aria-label="${esc(`${e.name} monitoring ${monitored}`)}"`)}`
        : '<span class="muted">not monitored</span>',
    ];
    return { cells, search: searchText(e) };
  });
  const head = ['model', 'task', ...stages, 'versions', 'latest', 'monitoring']
    .map((h, i) => `<th scope="col"${i === 2 + stages.length ? ' class="num"' : ''}>${esc(h)}</th>`)
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr data-search="${esc(r.search)}">${r.cells.map((c, i) => `<td${i === 2 + stages.length ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="scroll" role="region" aria-label="Models" tabindex="0"><table id="models">
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

function problemsSection(problems: readonly Problem[]): string {
  if (problems.length === 0) return '';
  return section(
    'problems',
    `Problems (${problems.length})`,
    `<p>The site was built without these; the pages they affect say what is missing.</p>
${table(
  'Problems',
  [{ header: 'level' }, { header: 'problem' }],
  problems.map((p) => [esc(p.level), esc(p.message)]),
)}`,
  );
}

const SEARCH_FORM = `<form class="search" role="search" id="search" hidden>
<div class="field"><label for="q">Search models and versions</label>
<input id="q" name="q" type="search" autocomplete="off" spellcheck="false" placeholder="e.g. churn production, v12, archived, fail"></div>
<div class="field"><label for="stage">Stage</label>
<select id="stage" name="stage"><option value="">any</option></select></div>
</form>
<p id="search-status" class="muted" role="status" aria-live="polite"></p>
<section id="version-results" aria-labelledby="version-results-title" hidden>
<h2 id="version-results-title">Matching versions</h2>
<ol id="version-list" class="results"></ol>
<p id="version-more" class="muted"></p>
</section>`;

/** The catalogue: every model with its stages and monitoring, a client-side search, and the problems. */
export function renderCatalogue(
  entries: readonly CatalogueEntry[],
  stages: readonly string[],
  problems: readonly Problem[],
  site: SiteContext,
): string {
  const versions = entries.reduce((n, e) => n + e.versions.length, 0);
  const stageNames = [...new Set([...stages, ...entries.flatMap((e) => e.stages.map((s) => s.stage))])];
  const main = [
    '<h1>Model registry</h1>',
    `<p>${entries.length} ${entries.length === 1 ? 'model' : 'models'}, ${versions} ${versions === 1 ? 'version' : 'versions'}; stages ${stageNames.map(code).join(' → ')}.${problems.length > 0 ? ` <a href="#problems">${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}</a>.` : ''}</p>`,
    SEARCH_FORM,
    section(
      'models-section',
      'Models',
      entries.length === 0 ? '<p>The registry has no models yet.</p>' : modelsTable(entries, stageNames),
    ),
    problemsSection(problems),
  ];
  return renderPage(
    {
      path,
      title: 'Model registry',
      crumbs: [{ text: 'Models' }],
      main: main.join('\n'),
      scripts: [SITE_PATHS.searchData, SITE_PATHS.script],
    },
    site,
  );
}

/**
 * What the search script reads, as a script (a page opened from file:// may not fetch JSON):
 * one compact row per version.
 */
export function renderSearchData(entries: readonly CatalogueEntry[], stages: readonly string[]): string {
  const data = {
    stages,
    models: entries.map((e) => ({
      name: e.name,
      task: e.task,
      metric: e.primaryMetric,
      url: SITE_PATHS.model(e.name),
    })),
    // [model index, version, registered day, stages, archived, verdict, primary metric value]
    versions: entries.flatMap((e, i) =>
      e.versions.map((v) => [
        i,
        v.version,
        v.registered ? v.registered.slice(0, 10) : '',
        v.stages.join(' '),
        v.archived ? 1 : 0,
        v.verdict ?? '',
        e.primaryMetric ? (v.metrics[e.primaryMetric] ?? null) : null,
      ]),
    ),
  };
  return `window.modelgateSearch = ${JSON.stringify(data)};\n`;
}
