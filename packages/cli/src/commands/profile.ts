import { join } from 'node:path';
import {
  type DataProfile,
  describeFiles,
  fingerprintFiles,
  loadDataset,
  profileDataset,
  renderProfileMarkdown,
  type SummaryRow,
  stringifyProfile,
  summaryRows,
  type TableColumn,
  UserError,
  withDatabase,
  withStagedOutputs,
  writeFileAtomic,
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

export const PROFILE_FILES = { json: 'profile.json', markdown: 'profile.md' } as const;
const DEFAULT_OUT = 'profile';
const MAX_NAME_CHARS = 32;

interface ProfileFlags extends DataFlags {
  out: string;
  allowEmpty?: boolean;
  exactValues?: string;
  force?: boolean;
}

function exactValuesFlag(value: string | undefined): number | undefined {
  const n = parseNumber('exact-values', value, true);
  if (n !== undefined && n < 0) {
    throw new UserError(`--exact-values '${value}': expected a count of values, 0 or more, such as 10000.`);
  }
  return n;
}

const TEXT_COLUMNS: (keyof SummaryRow)[] = [
  'column',
  'kind',
  'nulls',
  'distinct',
  'mean',
  'std',
  'min',
  'p50',
  'max',
];
const LEFT_ALIGNED = new Set<keyof SummaryRow>(['column', 'kind']);

function summaryTable(rows: SummaryRow[]): string {
  const columns = TEXT_COLUMNS.map(
    (key): TableColumn => ({
      header: key,
      align: LEFT_ALIGNED.has(key) ? 'left' : 'right',
      ...(key === 'column' ? { maxChars: MAX_NAME_CHARS } : {}),
    }),
  );
  return renderTextTable({ columns, rows: rows.map((r) => TEXT_COLUMNS.map((key) => r[key])) });
}

async function profileCommand(flags: ProfileFlags, ctx: CliContext): Promise<CommandOutcome> {
  const found = await findConfig(flags.config);
  const data = dataSpec(flags, found);
  const exactValues = exactValuesFlag(flags.exactValues) ?? found?.config.monitor?.exact_values;
  await requireFreshOutDir(
    '--out',
    flags.out,
    'the profile',
    Object.values(PROFILE_FILES),
    flags.force === true,
  );
  const profile = await withDatabase(async (db): Promise<DataProfile> => {
    const dataset = await withProgress(ctx, 'loading data', (progress) =>
      loadDataset(db, data, { onProgress: (f) => progress.update(f) }),
    );
    if (dataset.rowCount === 0 && flags.allowEmpty !== true) {
      throw new UserError(
        `${describeFiles(dataset.files)}: no rows (a header only?). Expected rows of data to profile; pass --allow-empty to profile it anyway.`,
      );
    }
    const source = await fingerprintFiles(dataset.files, {
      rows: dataset.rowCount,
      columns: dataset.columns.length,
    });
    return withProgress(ctx, 'profiling', (progress) =>
      profileDataset(db, dataset, {
        source,
        onProgress: (f) => progress.update(f),
        ...(exactValues !== undefined ? { exactValues } : {}),
      }),
    );
  });
  const markdown = renderProfileMarkdown(profile);
  const { replaced } = await withStagedOutputs(flags.out, async (dir) => {
    await writeFileAtomic(join(dir, PROFILE_FILES.json), stringifyProfile(profile));
    await writeFileAtomic(join(dir, PROFILE_FILES.markdown), markdown);
  });
  const [jsonPath, mdPath] = [join(flags.out, PROFILE_FILES.json), join(flags.out, PROFILE_FILES.markdown)];
  const columns = Object.keys(profile.columns).length;
  const text = [
    `Profiled ${data.path}: ${profile.rows.toLocaleString('en-US')} rows, ${columns} columns.`,
    `Wrote ${jsonPath} and ${mdPath}${replaced.length > 0 ? ' (replacing the previous ones)' : ''}.`,
    '',
    summaryTable(summaryRows(profile)),
  ].join('\n');
  return { exitCode: 0, data: profile, text, summary: markdown };
}

export function registerProfile(program: Command, wrap: Wrap): void {
  addDataOptions(
    program
      .command('profile')
      .description('profile each column (nulls, moments, quantiles, categories) into profile.json and .md'),
  )
    .option('-o, --out <dir>', 'directory for profile.json and profile.md', DEFAULT_OUT)
    .option('--allow-empty', 'profile data with no rows instead of refusing it')
    .option(FORCE_FLAG, 'replace the profile.json and profile.md of an earlier run in --out')
    .option(
      '--exact-values <n>',
      'numeric and datetime columns with at most n distinct values keep each with its count, so drift on them is exact (default 10000; 0: sketches only)',
    )
    .action(wrap<ProfileFlags>(profileCommand));
}
