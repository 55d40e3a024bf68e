import {
  configJsonSchema,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  UserError,
  writeFileAtomic,
} from '@modelgate/core';
import type { Command } from 'commander';
import { FORCE_FLAG, refuseAppeared, requireOutFile } from '../out-path.js';
import type { Wrap } from '../runner.js';

export function registerConfig(program: Command, wrap: Wrap): void {
  const config = program.command('config').description('check modelgate.yaml or write its JSON Schema');
  config
    .command('check')
    .description('parse and validate a config file, printing it with defaults filled in')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .action(
      wrap<{ config: string }>(async (opts) => {
        const parsed = await loadConfig(opts.config);
        return {
          exitCode: 0,
          data: parsed,
          text: `${opts.config}: ok (model ${parsed.model}, ${parsed.task})`,
        };
      }),
    );
  config
    .command('schema')
    .description('print (or write) the JSON Schema of modelgate.yaml for editor completion')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option(FORCE_FLAG, 'with --out: replace a file that already exists')
    .action(
      wrap<{ out?: string; force?: boolean }>(async (opts) => {
        const schema = configJsonSchema();
        const text = `${JSON.stringify(schema, null, 2)}\n`;
        if (!opts.out) {
          if (opts.force)
            throw new UserError(`${FORCE_FLAG}: only used with --out, to replace a file that exists.`);
          return { exitCode: 0, data: schema, text };
        }
        const out = { flag: '--out', path: opts.out, contents: 'the JSON Schema' };
        const replace = opts.force === true;
        await requireOutFile(out.flag, out.path, out.contents, replace);
        await refuseAppeared([out], () => writeFileAtomic(out.path, text, { replace }));
        return { exitCode: 0, data: { written: opts.out }, text: `wrote ${opts.out}` };
      }),
    );
}
