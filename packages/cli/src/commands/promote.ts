import { parseModelRef, promote, resolveRef, type StageChange } from '@modelgate/registry';
import type { Command } from 'commander';
import type { Wrap } from '../runner.js';
import {
  addPushOptions,
  addRegistryOption,
  describeCommit,
  type PushFlags,
  pushRequest,
  type RegistryFlags,
} from './registry-options.js';

interface PromoteFlags extends RegistryFlags, PushFlags {
  to: string;
}

const NOTES = `
Stages and their order come from registry.yaml (default: staging, then production).
A stage takes only versions that passed the stage before it (rules.<stage>.from);
Name the version as <model>@v3; without one, a stage takes the version the stage before it
serves (the latest version for the first stage). <model>#staging names what staging serves.
Archived versions are never promoted. The change is one commit to <model>/stages.yaml.`;

/** The line a stage change prints; rollback uses it too. */
export function renderStageChange(change: StageChange, verb: string): string {
  if (!change.changed)
    return `${change.stage} already serves ${change.name} ${change.version}; nothing to do.`;
  const was = change.previous ? ` (was ${change.previous})` : '';
  return `${verb} ${change.name} ${change.version} to ${change.stage}${was}\n  ${describeCommit(change)}`;
}

export function registerPromote(program: Command, wrap: Wrap): void {
  addPushOptions(
    addRegistryOption(
      program
        .command('promote')
        .description('move a stage (staging, production, ...) to a model version, in the stage order')
        .argument('<model[@version]>', 'model, model@v3, or model#stage (the version that stage serves)')
        .requiredOption('--to <stage>', 'the stage to promote to'),
    ),
  )
    .addHelpText('after', NOTES)
    .action(
      wrap<PromoteFlags>(async (flags, _ctx, [ref = '']) => {
        const parsed = parseModelRef(ref);
        const version =
          parsed.kind === 'version'
            ? parsed.version
            : parsed.kind === 'stage'
              ? (await resolveRef(flags.registry, parsed)).version
              : undefined;
        const change = await promote({
          registryDir: flags.registry,
          name: parsed.name,
          stage: flags.to,
          push: pushRequest(flags),
          ...(version ? { version } : {}),
        });
        return {
          exitCode: 0,
          data: change,
          text: renderStageChange(change, 'promoted'),
          summary: change.changed
            ? `### Promoted \`${change.name}\` ${change.version} to ${change.stage}${change.previous ? ` (was ${change.previous})` : ''}\n`
            : `### ${change.stage} already serves \`${change.name}\` ${change.version}\n`,
        };
      }),
    );
}
