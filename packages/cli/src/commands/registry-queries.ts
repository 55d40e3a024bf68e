import type { Table } from '@modelgate/core';
import {
  formatBytes,
  formatMetric,
  formatShape,
  listModels,
  listVersions,
  showVersion,
  type VersionState,
} from '@modelgate/registry';
import type { Command } from 'commander';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { addRegistryOption, type RegistryFlags } from './registry-options.js';

const MAX_METRIC_COLUMNS = 3;

/** `2024-05-01T12:00:00.000Z` -> `2024-05-01 12:00`. */
export function shortDate(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

async function modelsTable(registry: string) {
  const { settings, models } = await listModels(registry);
  const table: Table = {
    columns: [
      { header: 'model', maxChars: 40 },
      { header: 'versions', align: 'right' },
      { header: 'latest' },
      ...settings.stages.map((s) => ({ header: s })),
    ],
    rows: models.map((m) => [
      m.name,
      String(m.versions),
      m.latest ?? '-',
      ...settings.stages.map((s) => m.stages[s] ?? '-'),
    ]),
  };
  const text =
    models.length === 0
      ? `${registry}: no models yet. Add one with: modelgate register --model <dir> --name <model>`
      : renderTextTable(table);
  return { exitCode: 0 as const, data: { stages: settings.stages, models }, text };
}

async function versionsTable(registry: string, name: string) {
  const { versions } = await listVersions(registry, name);
  const metricNames = Object.keys(versions.at(-1)?.metadata.metrics ?? {}).slice(0, MAX_METRIC_COLUMNS);
  const table: Table = {
    columns: [
      { header: 'version' },
      { header: 'registered' },
      { header: 'size', align: 'right' },
      { header: 'sha256' },
      { header: 'stages' },
      ...metricNames.map((m) => ({ header: m, align: 'right' as const, maxChars: 24 })),
      { header: 'status' },
    ],
    rows: versions.map((v) => [
      v.version,
      shortDate(v.metadata.createdAt),
      formatBytes(v.metadata.model.bytes),
      v.metadata.model.sha256.slice(0, 12),
      v.stages.join(', ') || '-',
      ...metricNames.map((m) => {
        const value = v.metadata.metrics[m];
        return value === undefined ? '-' : formatMetric(value);
      }),
      v.archived ? 'archived' : '',
    ]),
  };
  return { exitCode: 0 as const, data: { model: name, versions }, text: renderTextTable(table) };
}

/** Aligned rows under no header, indented. */
function rowsText(rows: string[][]): string {
  const columns = (rows[0] ?? []).map(() => ({ header: '' }));
  return renderTextTable({ columns, rows }, '  ').split('\n').slice(1).join('\n');
}

function section(title: string, rows: string[][]): string {
  return rows.length === 0 ? '' : `\n${title}\n${rowsText(rows)}`;
}

export function renderVersion(v: VersionState): string {
  const m = v.metadata;
  const head = `${v.name} ${v.version}${v.stages.length > 0 ? `  (${v.stages.join(', ')})` : ''}${v.archived ? '  [archived]' : ''}`;
  const overview: string[][] = [
    ['registered', m.createdAt],
    [
      'model',
      `${formatBytes(m.model.bytes)}, sha256 ${m.model.sha256}${m.model.storage === 'lfs' ? ' (Git LFS)' : ''}`,
    ],
  ];
  if (m.task) overview.push(['task', `${m.task}${m.target ? ` of ${m.target}` : ''}`]);
  if (m.trainer) overview.push(['trainer', m.trainer]);
  overview.push(['parent', m.parent ?? '-']);
  if (m.code.commit) overview.push(['code commit', m.code.commit]);
  if (m.configHash) overview.push(['config hash', m.configHash]);
  if (m.ciRun) overview.push(['CI run', m.ciRun]);
  if (v.archived)
    overview.push([
      'archived',
      `${v.archived.archived_at}${v.archived.reason ? ` (${v.archived.reason})` : ''}`,
    ]);
  overview.push(['path', v.path]);
  const signature = [
    ...(m.signature?.inputs ?? []).map((t) => ['input', t.name, t.type, formatShape(t.shape)]),
    ...(m.signature?.outputs ?? []).map((t) => ['output', t.name, t.type, formatShape(t.shape)]),
  ];
  return [
    head,
    rowsText(overview),
    section('signature', signature),
    m.classes ? `\nclasses  ${m.classes.join(', ')}` : '',
    section(
      'metrics',
      Object.entries(m.metrics).map(([k, val]) => [k, formatMetric(val)]),
    ),
    section(
      'params',
      Object.entries(m.params).map(([k, val]) => [k, String(val)]),
    ),
    section(
      'files',
      Object.entries(m.files).map(([f, d]) => [f, formatBytes(d.bytes), d.sha256.slice(0, 12)]),
    ),
  ]
    .filter(Boolean)
    .join('\n');
}

export function addRegistryQueries(registry: Command, wrap: Wrap): void {
  addRegistryOption(
    registry
      .command('ls')
      .description('list models with their stages, or the versions of one model')
      .argument('[model]', 'list the versions of this model'),
  ).action(
    wrap<RegistryFlags>(async (flags, _ctx, [name]) =>
      name ? versionsTable(flags.registry, name) : modelsTable(flags.registry),
    ),
  );
  addRegistryOption(
    registry
      .command('show')
      .description('show one version: metadata, signature, metrics, stages')
      .argument('<ref>', 'model, model@v3, model@latest or model#production'),
  ).action(
    wrap<RegistryFlags>(async (flags, _ctx, [ref = '']) => {
      const version = await showVersion(flags.registry, ref);
      return { exitCode: 0, data: version, text: renderVersion(version) };
    }),
  );
}
