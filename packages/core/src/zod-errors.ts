import type { z } from 'zod';

export type PathKey = string | number;

/** `columns[0].kind`; '' for the top level. */
export function describePath(path: readonly PathKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

/** The first thing wrong with a document, in the terms of the document rather than of zod. */
export interface ZodProblem {
  /** unknown: a key the schema does not allow; missing: a required key is absent; invalid: a wrong value. */
  kind: 'unknown' | 'missing' | 'invalid';
  /** Where it is; for an unknown key, the path of that key. */
  path: PathKey[];
  /** `path` as the user writes it, or '(top level)'. */
  field: string;
  /** zod's message, e.g. `Invalid option: expected one of ...`. */
  message: string;
  /** The value found at `path`; undefined when missing or unknown. */
  value: unknown;
}

function valueAt(input: unknown, path: readonly PathKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<PathKey, unknown> | undefined)?.[k], input);
}

/**
 * When no option of a union matches and all but one of them are refused at
 * the value itself (a string where a map is, a map where 'none' is), the one
 * that got inside it says what is wrong better than "Invalid input":
 * `gate: {accuracy: {min: "x"}}` is a map with a bad number, not a bad 'none'.
 * Unions whose options all reach inside keep their own message.
 */
function insideUnionIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const inside = issue.errors.filter((option) => option.some((i) => i.path.length > 0));
  const first = inside.length === 1 ? inside[0]?.[0] : undefined;
  if (!first) return issue;
  return insideUnionIssue({ ...first, path: [...issue.path, ...first.path] } as z.core.$ZodIssue);
}

/** The first issue of `error`, raised when `input` (the parsed document) did not match a schema. */
export function zodProblem(error: z.ZodError, input: unknown): ZodProblem {
  const issue = insideUnionIssue(error.issues[0] as z.core.$ZodIssue);
  const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const at = [...path, issue.keys[0] ?? ''];
    return { kind: 'unknown', path: at, field: describePath(at), message: issue.message, value: undefined };
  }
  const value = valueAt(input, path);
  const kind = value === undefined ? 'missing' : 'invalid';
  return { kind, path, field: describePath(path) || '(top level)', message: issue.message, value };
}

function received(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export interface ZodErrorLineOptions {
  /** Follows the file name, e.g. `:3:5` for where the problem sits in the text. */
  at?: (problem: ZodProblem) => string;
  /** Follows an unknown key's name; default `unknown key.` */
  unknown?: (problem: ZodProblem) => string;
  /**
   * Say "missing required key" and show the value found, for schemas whose messages
   * are zod's own; leave it off when the schema's messages already say what is wrong.
   */
  explain?: boolean;
}

/** One line naming the file and the field: `file[:at]: field: what is wrong`. */
export function zodErrorLine(
  file: string,
  error: z.ZodError,
  input: unknown,
  options: ZodErrorLineOptions = {},
): string {
  const problem = zodProblem(error, input);
  const head = `${file}${options.at?.(problem) ?? ''}: ${problem.field}:`;
  if (problem.kind === 'unknown') return `${head} ${options.unknown?.(problem) ?? 'unknown key.'}`;
  if (!options.explain) return `${head} ${problem.message}.`;
  if (problem.kind === 'missing') {
    return `${head} missing required key (${problem.message.replace(/^Invalid input: /, '')}).`;
  }
  return `${head} ${problem.message}, got ${received(problem.value)}`;
}
