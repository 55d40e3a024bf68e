import { DATA_FORMATS, type DataSpec, DEFAULT_CONFIG_FILE, UserError } from '@modelgate/core';
import type { Command } from 'commander';
import { parseFormat } from './flags.js';
import { configData, type FoundConfig } from './project.js';

/** The flags of every command that reads a data set. */
export interface DataFlags {
  data?: string;
  format?: string;
  config?: string;
}

export function addDataOptions(command: Command): Command {
  return command
    .option(
      '-d, --data <file|glob>',
      'data file or glob: CSV, TSV, Parquet, JSON or JSONL (default: data in the config)',
    )
    .option(
      '-f, --format <format>',
      `${DATA_FORMATS.join('|')} (default: format in the config, else from the extension)`,
    )
    .option('-c, --config <file>', `config file (default: ${DEFAULT_CONFIG_FILE} when it exists)`);
}

/** --data and --format, else the config's data; a --format given alone applies to the config's data. */
export function dataSpec(flags: DataFlags, found: FoundConfig | undefined): DataSpec {
  const format = parseFormat(flags.format);
  if (flags.data) return format ? { path: flags.data, format } : { path: flags.data };
  if (!found) {
    throw new UserError(
      `--data: no data given and no ${DEFAULT_CONFIG_FILE} here. Pass --data <file|glob> or --config <file>.`,
    );
  }
  const spec = configData(found);
  return format ? { ...spec, format } : spec;
}
