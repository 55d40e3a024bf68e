import type { Command } from 'commander';
import type { Wrap } from '../runner.js';

export function registerDemo(_program: Command, _wrap: Wrap): void {}
