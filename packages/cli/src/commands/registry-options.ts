import { statSync } from 'node:fs';
import { UserError } from '@modelgate/core';
import type { PushRequest, PushTarget } from '@modelgate/registry';
import type { Command } from 'commander';

export const DEFAULT_REGISTRY_DIR = 'registry';

export interface RegistryFlags {
  registry: string;
}

export interface PushFlags {
  push?: boolean;
  remote?: string;
  branch?: string;
}

/** A --registry that names a file is a mistake, said as one: every command would read it as a directory. */
function registryDir(value: string): string {
  if (statSync(value, { throwIfNoEntry: false })?.isFile()) {
    throw new UserError(`--registry ${value}: is a file. Expected the registry directory.`);
  }
  return value;
}

export function addRegistryOption(command: Command): Command {
  return command.option(
    '--registry <dir>',
    'the registry directory in this repository',
    registryDir,
    DEFAULT_REGISTRY_DIR,
  );
}

export function addPushOptions(command: Command): Command {
  return command
    .option('--push', 'push the commit (and tags); on a race with another writer, re-apply and retry')
    .option('--remote <name>', "remote to push to (default: the branch's upstream, else origin)")
    .option('--branch <name>', 'branch to push to (default: the current branch)');
}

export function pushRequest(flags: PushFlags): PushRequest | false {
  if (!flags.push) return false;
  return {
    ...(flags.remote ? { remote: flags.remote } : {}),
    ...(flags.branch ? { branch: flags.branch } : {}),
  };
}

/** `commit 1a2b3c4, pushed to origin/main` for the line after a change. */
export function describeCommit(result: {
  commit: string | null;
  pushed: PushTarget | null;
  tags: string[];
}): string {
  if (!result.commit) return '';
  const pushed = result.pushed
    ? `, pushed to ${result.pushed.remote}/${result.pushed.branch}`
    : ' (not pushed)';
  const tags = result.tags.length > 0 ? `; tags ${result.tags.join(', ')}` : '';
  return `commit ${result.commit.slice(0, 7)}${pushed}${tags}`;
}
