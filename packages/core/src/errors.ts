/** A problem with what the user gave us (a file, a flag, a config key): one clear line, exit code 2. */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly exitCode = 2;
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
