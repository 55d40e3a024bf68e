import {
  checkModelExists,
  checkModelName,
  diffVersions,
  type HistoryEvent,
  modelHistory,
  openRepo,
  type VersionDiff,
} from '@modelgate/registry';
import type { Command } from 'commander';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { addRegistryOption, type RegistryFlags } from './registry-options.js';

function change(e: HistoryEvent): string {
  switch (e.event) {
    case 'register':
      return `registered ${e.version}`;
    case 'archive':
      return `archived ${e.version}`;
    case 'unarchive':
      return `unarchived ${e.version}`;
    case 'stage':
      if (e.to === null) return `${e.stage}: removed (was ${e.from})`;
      return `${e.stage}: ${e.from ? `${e.from} -> ` : ''}${e.to}`;
  }
}

function renderHistory(name: string, events: HistoryEvent[]): string {
  if (events.length === 0) return `${name}: no history yet (nothing committed).`;
  return renderTextTable({
    columns: [{ header: 'date' }, { header: 'change' }, { header: 'by', maxChars: 32 }, { header: 'commit' }],
    rows: events.map((e) => [
      e.date.replace('T', ' ').slice(0, 19),
      change(e),
      e.author,
      e.commit.slice(0, 7),
    ]),
  });
}

function renderDiff(diff: VersionDiff): string {
  const label = (v: { name: string; version: string }) =>
    diff.a.name === diff.b.name ? v.version : `${v.name} ${v.version}`;
  const show = (value: string | number | null) => (value === null ? '-' : String(value));
  const table = renderTextTable({
    columns: [
      { header: '' },
      { header: 'field', maxChars: 40 },
      { header: label(diff.a), maxChars: 44 },
      { header: label(diff.b), maxChars: 44 },
      { header: 'change', align: 'right' },
    ],
    rows: diff.rows.map((r) => [
      r.section,
      r.key,
      show(r.a),
      show(r.b),
      r.delta !== undefined
        ? `${r.delta >= 0 ? '+' : ''}${Number(r.delta.toPrecision(4))}`
        : r.changed
          ? 'changed'
          : '',
    ]),
  });
  const changed = diff.rows.filter((r) => r.changed).length;
  return `${diff.a.name} ${diff.a.version} vs ${diff.b.name} ${diff.b.version}: ${changed} of ${diff.rows.length} fields differ\n${table}`;
}

export function addRegistryHistory(registry: Command, wrap: Wrap): void {
  addRegistryOption(
    registry
      .command('history')
      .description('registrations, stage changes and archives of a model, newest first, from git log')
      .argument('<model>', 'model name'),
  ).action(
    wrap<RegistryFlags>(async (flags, _ctx, [name = '']) => {
      checkModelName(name);
      const repo = await openRepo(flags.registry);
      const events = await modelHistory(repo, name);
      // A model neither in the registry nor in its history is a mistyped name, as for `registry ls`.
      if (events.length === 0) await checkModelExists(repo.registryDir, name);
      return { exitCode: 0, data: events, text: renderHistory(name, events) };
    }),
  );
  addRegistryOption(
    registry
      .command('diff')
      .description('two versions side by side: metadata, metrics, params, data, signature')
      .argument('<a>', 'model@v1 (or model#stage)')
      .argument('<b>', 'v2, #production, or another model@version'),
  ).action(
    wrap<RegistryFlags>(async (flags, _ctx, [a = '', b = '']) => {
      const diff = await diffVersions(flags.registry, a, b);
      return { exitCode: 0, data: diff, text: renderDiff(diff) };
    }),
  );
}
