import type { Command } from 'commander';
import type { Wrap } from '../runner.js';
import { addRegistryChanges } from './registry-changes.js';
import { addRegistryHistory } from './registry-history.js';
import { addRegistryQueries } from './registry-queries.js';
import { addRegistryVerify } from './registry-verify.js';

export function registerRegistry(program: Command, wrap: Wrap): void {
  const registry = program
    .command('registry')
    .description(
      'read and maintain the model registry (a directory in git): ls, show, history, diff, verify, ...',
    );
  addRegistryQueries(registry, wrap);
  addRegistryHistory(registry, wrap);
  addRegistryVerify(registry, wrap);
  addRegistryChanges(registry, wrap);
}
