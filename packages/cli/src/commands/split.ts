import { join } from 'node:path';
import {
  DEFAULT_CONFIG_FILE,
  describeFiles,
  loadDataset,
  renderMarkdownTable,
  SPLIT_MANIFEST_FILE,
  SPLIT_NAMES,
  type SplitManifest,
  type SplitName,
  type SplitSettings,
  splitDataset,
  splitPolicy,
  type Table,
  type TableColumn,
  UserError,
  withDatabase,
} from '@modelgate/core';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addDataOptions, type DataFlags, dataSpec } from '../data-source.js';
import { parseNumber } from '../flags.js';
import { FORCE_FLAG, requireFreshOutDir } from '../out-path.js';
import type { CommandOutcome } from '../outcome.js';
import { findConfig } from '../project.js';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { withProgress } from '../with-progress.js';

interface SplitFlags extends DataFlags {
  target?: string;
  by?: string;
  validation?: string;
  test?: string;
  seed?: string;
  out: string;
  force?: boolean;
}

/** What split writes into --out. */
const OUTPUT_NAMES = [...SPLIT_NAMES.map((name) => `${name}.parquet`), SPLIT_MANIFEST_FILE];

const NOTES = `
Defaults come from modelgate.yaml (or --config): data, target and split; flags override them.
Rows with a null target are kept by random, time and group splits (counted as nullTargets in
splits.json) and refused by stratified splits. Null times or groups are refused.
The same data, policy and seed give byte-identical files.`;

export function registerSplit(program: Command, wrap: Wrap): void {
  addDataOptions(
    program
      .command('split')
      .description(
        'split a data set into train, validation and test Parquet files with a splits.json manifest',
      ),
  )
    .option('-t, --target <column>', 'column to predict (default: target in the config)')
    .option(
      '--by <strategy>',
      'random | stratified | time:<column> | group:<column> (default: split.by in the config, else stratified for classification, random for regression)',
    )
    .option('--validation <fraction>', 'share of rows for validation (default 0.1)')
    .option('--test <fraction>', 'share of rows for test (default 0.2)')
    .option('--seed <n>', 'seed of the assignment (default 42)')
    .requiredOption('-o, --out <dir>', 'directory for train/validation/test.parquet and splits.json')
    .option(FORCE_FLAG, 'replace the split files of an earlier run in --out')
    .addHelpText('after', NOTES)
    .action(wrap<SplitFlags>((flags, ctx) => runSplit(flags, ctx)));
}

async function runSplit(flags: SplitFlags, ctx: CliContext): Promise<CommandOutcome> {
  const found = await findConfig(flags.config);
  const data = dataSpec(flags, found);
  const target = flags.target ?? found?.config.target;
  if (!target) {
    throw new UserError(
      `no target: pass --target <column>, or run where a ${DEFAULT_CONFIG_FILE} names the target.`,
    );
  }
  const base = found?.config.split ?? splitPolicy.parse({});
  const policy = {
    by: flags.by ?? base.by,
    validation: parseNumber('validation', flags.validation) ?? base.validation,
    test: parseNumber('test', flags.test) ?? base.test,
    seed: parseNumber('seed', flags.seed, true) ?? base.seed,
  };
  await requireFreshOutDir('--out', flags.out, 'the split files', OUTPUT_NAMES, flags.force === true);
  // The config's task describes its own target, not one named on the command line.
  const task = found && found.config.target === target ? found.config.task : undefined;
  const manifest = await withProgress(ctx, 'split', (progress) =>
    withDatabase(async (db) => {
      const dataset = await loadDataset(db, data, { onProgress: (f) => progress.update(f * 0.3, 'reading') });
      return splitDataset(db, dataset, {
        target,
        policy,
        task,
        out: flags.out,
        onProgress: (f, detail) => progress.update(0.3 + f * 0.7, detail),
      });
    }),
  );
  return {
    exitCode: 0,
    data: manifest,
    text: renderText(manifest, flags.out),
    summary: renderMarkdown(manifest, flags.out),
  };
}

const MAX_CLASS_COLUMNS = 8;

/** A row per split: rows, share, then what the manifest knows about the split. */
function splitTable(manifest: SplitManifest): { table: Table; note?: string } {
  const total = manifest.source.rows;
  const splits = SPLIT_NAMES.map((name) => [name, manifest.splits[name]] as const);
  const columns: TableColumn[] = [
    { header: 'split' },
    { header: 'rows', align: 'right' },
    { header: 'share', align: 'right' },
  ];
  const rows = splits.map(([name, s]) => [
    name,
    String(s.rows),
    `${((100 * s.rows) / Math.max(1, total)).toFixed(1)}%`,
  ]);
  const add = (header: string, cell: (name: SplitName) => string) => {
    columns.push({ header, align: 'right' });
    splits.forEach(([name], i) => {
      rows[i]?.push(cell(name));
    });
  };
  let note: string | undefined;
  const classes = Object.keys(manifest.splits.train.classes ?? {});
  if (classes.length > 0) {
    const overall = (label: string) => splits.reduce((n, [, s]) => n + (s.classes?.[label] ?? 0), 0);
    const shown = [...classes].sort((a, b) => overall(b) - overall(a)).slice(0, MAX_CLASS_COLUMNS);
    for (const label of classes.filter((c) => shown.includes(c))) {
      add(label, (name) => String(manifest.splits[name].classes?.[label] ?? 0));
    }
    if (classes.length > shown.length) {
      note = `${classes.length} classes; the ${shown.length} most frequent are shown, all are in ${SPLIT_MANIFEST_FILE}.`;
    }
  }
  if (splits.some(([, s]) => s.target !== undefined)) {
    for (const stat of ['min', 'mean', 'max'] as const) {
      add(`${manifest.target} ${stat}`, (name) => formatNumber(manifest.splits[name].target?.[stat]));
    }
  }
  if (splits.some(([, s]) => s.nullTargets > 0))
    add('null target', (name) => String(manifest.splits[name].nullTargets));
  if (splits.some(([, s]) => s.timeRange !== undefined)) {
    add('from', (name) => String(manifest.splits[name].timeRange?.min ?? '-'));
    add('to', (name) => String(manifest.splits[name].timeRange?.max ?? '-'));
  }
  if (splits.some(([, s]) => s.groups !== undefined))
    add('groups', (name) => String(manifest.splits[name].groups ?? 0));
  return note ? { table: { columns, rows }, note } : { table: { columns, rows } };
}

function formatNumber(n: number | undefined): string {
  if (n === undefined) return '-';
  return String(Number(n.toPrecision(4)));
}

function describePolicy(policy: SplitSettings): string {
  return `${policy.by} (validation ${policy.validation}, test ${policy.test}, seed ${policy.seed})`;
}

function sourceName(manifest: SplitManifest): string {
  return describeFiles(manifest.source.files.map((f) => f.path));
}

function outputs(out: string): string[] {
  return OUTPUT_NAMES.map((f) => join(out, f));
}

function renderText(manifest: SplitManifest, out: string): string {
  const { table: splits, note } = splitTable(manifest);
  return [
    `Split ${sourceName(manifest)} (${manifest.source.rows} rows, target ${manifest.target}, ${manifest.task}) by ${describePolicy(manifest.policy)}.`,
    '',
    renderTextTable(splits),
    ...(note ? ['', note] : []),
    '',
    `Wrote ${outputs(out).join(', ')}.`,
    '',
  ].join('\n');
}

function renderMarkdown(manifest: SplitManifest, out: string): string {
  const { table: splits, note } = splitTable(manifest);
  return [
    '### modelgate split',
    '',
    `Split \`${sourceName(manifest)}\` (${manifest.source.rows} rows, target \`${manifest.target}\`, ${manifest.task}) by **${describePolicy(manifest.policy)}**.`,
    '',
    renderMarkdownTable(splits),
    ...(note ? ['', note] : []),
    '',
    `Files: ${outputs(out)
      .map((f) => `\`${f}\``)
      .join(', ')}`,
    '',
  ].join('\n');
}
