import type { Command } from 'commander';
import type { Wrap } from '../runner.js';

// Placeholder until the command lands; registered so program.ts needs no further edits.
export function registerExport(_program: Command, _wrap: Wrap): void {}
