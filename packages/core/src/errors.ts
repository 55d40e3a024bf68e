import { ellipsize } from './text.js';

/**
 * A problem with what the user gave us (a file, a flag, a config key): one clear line, exit code 2.
 * `details` are further lines a reader may need (each trial's reason when all failed), printed
 * one per line below it, each escaped like the message.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly exitCode = 2;
  readonly details: readonly string[];

  constructor(message: string, options: { details?: readonly string[] } = {}) {
    super(message);
    this.details = options.details ?? [];
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What would end a line or disguise it in a terminal or a log: C0 and C1 controls (newlines, escape
 * sequences), the Unicode line and paragraph separators, and the bidirectional controls.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it finds.
const LINE_BREAKERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/** `text` on one line: each control character written as its JSON escape (`\n`, `\u001b`). */
export function oneLine(text: string): string {
  return text.replace(
    LINE_BREAKERS,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A value as a message repeats it: JSON-quoted (`"a\nb"`), so quotes, newlines and control characters
 * stay visible and on one line; cut to `maxChars` characters with '…'.
 */
export function quote(value: string, maxChars = 120): string {
  return oneLine(JSON.stringify(ellipsize(value, maxChars)));
}
