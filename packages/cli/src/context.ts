import { createProgress, type Progress } from './progress.js';

export interface CliContext {
  /** --json: print machine output only, no progress. */
  json: boolean;
  progress(label: string): Progress;
  /** A line for the user on stderr (warnings, hints); silent under --json. */
  log(line: string): void;
}

export function createContext(options: { json: boolean }): CliContext {
  return {
    json: options.json,
    progress: (label) => (options.json ? { update() {}, done() {} } : createProgress(label)),
    log: (line) => {
      if (!options.json) process.stderr.write(`${line}\n`);
    },
  };
}
