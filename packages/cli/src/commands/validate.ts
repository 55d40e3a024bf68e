import {
  type ContractReport,
  checkContract,
  type Database,
  type Dataset,
  describeFiles,
  formatViolation,
  inferContract,
  loadDataset,
  readContract,
  renderViolationsMarkdown,
  UserError,
  withDatabase,
  writeContract,
} from '@modelgate/core';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addDataOptions, type DataFlags, dataSpec } from '../data-source.js';
import { FORCE_FLAG, refuseAppeared, requireOutFile } from '../out-path.js';
import type { CommandOutcome, Finding } from '../outcome.js';
import { findConfig } from '../project.js';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { withProgress } from '../with-progress.js';

interface ValidateFlags extends DataFlags {
  schema?: string;
  writeSchema?: string;
  key?: string;
  force?: boolean;
}

const TITLE = 'modelgate validate';

function parseKey(flags: ValidateFlags): string[] | undefined {
  if (flags.schema && flags.writeSchema) {
    throw new UserError(
      '--schema and --write-schema: pass one. --write-schema infers a contract, --schema checks data against one.',
    );
  }
  if (flags.key !== undefined && !flags.writeSchema) {
    throw new UserError('--key: only used with --write-schema, to put a unique key into the new contract.');
  }
  if (flags.force && !flags.writeSchema) {
    throw new UserError(`${FORCE_FLAG}: only used with --write-schema, to replace a contract that exists.`);
  }
  const key = flags.key?.split(',').map((k) => k.trim());
  if (key?.some((k) => k === '')) {
    throw new UserError(`--key: '${flags.key}' has an empty column name. Expected <col>[,<col>...].`);
  }
  return key;
}

function describe(ds: Dataset): CommandOutcome {
  const columns = renderTextTable(
    {
      columns: [{ header: 'column' }, { header: 'kind' }, { header: 'type' }],
      rows: ds.columns.map((c) => [c.name, c.kind, c.type]),
    },
    '  ',
  );
  return {
    exitCode: 0,
    data: { files: ds.files, format: ds.format, rows: ds.rowCount, columns: ds.columns },
    text: `${describeFiles(ds.files)}: ${ds.rowCount} rows, ${ds.columns.length} columns (${ds.format})\n${columns}`,
  };
}

async function writeSchema(
  db: Database,
  ds: Dataset,
  file: string,
  key: string[] | undefined,
  force: boolean,
) {
  const contract = await inferContract(db, ds, { key });
  const out = { flag: '--write-schema', path: file, contents: 'the contract' };
  await refuseAppeared([out], () => writeContract(file, contract, { replace: force }));
  const ranges = contract.columns.filter((c) => c.min !== undefined || c.max !== undefined).length;
  const categories = contract.columns.filter((c) => c.categories).length;
  const text =
    `wrote ${file} from ${describeFiles(ds.files)} (${ds.rowCount} rows): ${contract.columns.length} columns, ` +
    `${ranges} ranges, ${categories} category sets, rows >= ${contract.rows.min}` +
    (contract.key ? `, key (${contract.key.join(', ')})` : '');
  return { exitCode: 0 as const, data: { written: file, contract }, text };
}

function checkOutcome(ds: Dataset, schema: string, report: ContractReport): CommandOutcome {
  const lines = report.violations.map(formatViolation);
  const source = describeFiles(ds.files);
  const headline = report.ok
    ? `${source}: ok against ${schema} (${report.rows} rows, ${report.rules} rules)`
    : `${source}: ${report.violations.length} ${report.violations.length === 1 ? 'violation' : 'violations'} of ${schema} (${report.rows} rows, ${report.rules} rules)`;
  const file = ds.files.length === 1 ? ds.files[0] : undefined;
  const findings: Finding[] = lines.map((message) => ({
    level: 'error',
    title: TITLE,
    message,
    ...(file !== undefined ? { file } : {}),
  }));
  return {
    exitCode: report.ok ? 0 : 1,
    data: report,
    text: [headline, ...lines].join('\n'),
    findings,
    summary: `### ${TITLE}\n\n${headline}\n\n${renderViolationsMarkdown(report)}`,
  };
}

async function validate(flags: ValidateFlags, ctx: CliContext): Promise<CommandOutcome> {
  const key = parseKey(flags);
  if (flags.writeSchema) {
    await requireOutFile('--write-schema', flags.writeSchema, 'the contract', flags.force === true);
  }
  const data = dataSpec(flags, await findConfig(flags.config));
  return withDatabase((db) =>
    withProgress(ctx, 'validate', async (progress) => {
      const onProgress = (f: number) => progress.update(f);
      const ds = await loadDataset(db, data, { onProgress });
      if (flags.writeSchema) return writeSchema(db, ds, flags.writeSchema, key, flags.force === true);
      if (!flags.schema) return describe(ds);
      const contract = await readContract(flags.schema);
      return checkOutcome(ds, flags.schema, await checkContract(db, ds, contract, { onProgress }));
    }),
  );
}

export function registerValidate(program: Command, wrap: Wrap): void {
  addDataOptions(
    program
      .command('validate')
      .description(
        'check data against a contract (--schema), infer one from reference data (--write-schema), or describe the data',
      ),
  )
    .option('--schema <file>', 'contract to check the data against; exit 1 on violations')
    .option('--write-schema <file>', 'infer a contract from the data and write it here')
    .option('--key <col,...>', 'with --write-schema: columns whose values together must be unique')
    .option(FORCE_FLAG, 'with --write-schema: replace a contract file that already exists')
    .addHelpText(
      'after',
      '\nWith neither --schema nor --write-schema, prints the columns, kinds and row count: a smoke test.',
    )
    .action(wrap<ValidateFlags>(validate));
}
