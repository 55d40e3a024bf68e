import { vi } from 'vitest';
import { main } from '../src/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** What @actions/core printed (annotations) when run with `jobSummary`. */
  annotations: string;
}

export interface CliRunOptions {
  /** The working directory of the run, where modelgate.yaml is looked for. */
  cwd?: string;
  /** Run as under GitHub Actions, with the job summary written to this file. */
  jobSummary?: string;
}

/** Runs the CLI in-process, the way a user's shell would, and captures what it prints. */
export async function runCli(argv: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => {
      stdout += text;
    },
    stderr: (text: string) => {
      stderr += text;
    },
  };
  const previousCwd = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  const actions = options.jobSummary === undefined ? undefined : underActions(options.jobSummary);
  let code: number;
  let annotations = '';
  try {
    code = await main(argv, io);
  } finally {
    annotations = actions?.restore() ?? '';
    process.chdir(previousCwd);
  }
  return { code, stdout, stderr, annotations };
}

/** The runner's environment; @actions/core's workflow commands on process.stdout are caught, not printed. */
function underActions(summary: string): { restore: () => string } {
  vi.stubEnv('GITHUB_ACTIONS', 'true');
  vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  return {
    restore: () => {
      spy.mockRestore();
      vi.unstubAllEnvs();
      return written.join('');
    },
  };
}
