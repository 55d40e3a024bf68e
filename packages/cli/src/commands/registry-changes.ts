import { UserError } from '@modelgate/core';
import { archive, parseModelRef, rollback } from '@modelgate/registry';
import type { Command } from 'commander';
import type { Wrap } from '../runner.js';
import { renderStageChange } from './promote.js';
import {
  addPushOptions,
  addRegistryOption,
  describeCommit,
  type PushFlags,
  pushRequest,
  type RegistryFlags,
} from './registry-options.js';

interface RollbackFlags extends RegistryFlags, PushFlags {
  stage: string;
  to?: string;
}

interface ArchiveFlags extends RegistryFlags, PushFlags {
  reason?: string;
}

export function addRegistryChanges(registry: Command, wrap: Wrap): void {
  addPushOptions(
    addRegistryOption(
      registry
        .command('rollback')
        .description('put a stage back on the version it served before (a new commit; history stays)')
        .argument('<model>', 'model name')
        .requiredOption('--stage <stage>', 'the stage to roll back, e.g. production')
        .option('--to <version>', 'an earlier version of that stage (default: the one before the current)'),
    ),
  ).action(
    wrap<RollbackFlags>(async (flags, _ctx, [name = '']) => {
      const change = await rollback({
        registryDir: flags.registry,
        name,
        stage: flags.stage,
        push: pushRequest(flags),
        ...(flags.to ? { version: flags.to } : {}),
      });
      return { exitCode: 0, data: change, text: renderStageChange(change, 'rolled back') };
    }),
  );
  addPushOptions(
    addRegistryOption(
      registry
        .command('archive')
        .description('deprecate a version: it stays for the record and can never be promoted again')
        .argument('<model@version>', 'e.g. churn@v3')
        .option('--reason <text>', 'why, recorded in deprecated.yaml and the commit'),
    ),
  ).action(
    wrap<ArchiveFlags>(async (flags, _ctx, [ref = '']) => {
      const parsed = parseModelRef(ref);
      if (parsed.kind !== 'version') {
        throw new UserError(`archive ${ref}: name the version, e.g. ${parsed.name}@v3.`);
      }
      const result = await archive({
        registryDir: flags.registry,
        name: parsed.name,
        version: parsed.version,
        push: pushRequest(flags),
        ...(flags.reason ? { reason: flags.reason } : {}),
      });
      const text = result.changed
        ? `archived ${result.name} ${result.version}\n  ${describeCommit(result)}`
        : `${result.name} ${result.version} is archived already; nothing to do.`;
      return { exitCode: 0, data: result, text };
    }),
  );
}
