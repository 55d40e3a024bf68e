/** Something a command found that a reviewer should see: an annotation under GitHub Actions. */
export interface Finding {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
  file?: string;
}

/** What every command returns; main() decides how to show it (text, --json, annotations, job summary). */
export interface CommandOutcome {
  /** 0 ok, 1 a check failed (e.g. validation violations). Input errors are thrown as UserError (exit 2). */
  exitCode: 0 | 1;
  /** Machine-readable result printed by --json. */
  data: unknown;
  /** Human-readable result printed otherwise. */
  text: string;
  findings?: Finding[];
  /** GitHub-flavoured Markdown for the job summary under Actions. */
  summary?: string;
}
