import { readFile } from 'node:fs/promises';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { configSchema, type ModelgateConfig } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'modelgate.yaml';

type PathKey = string | number;

function describePath(path: readonly PathKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

type Pos = { line: number; col: number };

function rangeStart(node: unknown, lines: LineCounter): Pos | undefined {
  const range = (node as { range?: [number, number] } | null | undefined)?.range;
  return range ? lines.linePos(range[0]) : undefined;
}

/** The position of the key at `path` in the YAML text. */
function keyPosition(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: readonly PathKey[]) {
  const parent = path.length <= 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find(
    (p) => (p.key as { value?: unknown } | null)?.value === path[path.length - 1],
  );
  return rangeStart(pair?.key, lines);
}

/** Where the value at `path` sits; a missing value points at its nearest existing ancestor. */
function valuePosition(
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: readonly PathKey[],
): Pos {
  for (let depth = path.length; depth > 0; depth--) {
    const pos = rangeStart(doc.getIn(path.slice(0, depth), true), lines);
    if (pos) return pos;
  }
  return rangeStart(doc.contents, lines) ?? { line: 1, col: 1 };
}

function hint(path: readonly PathKey[]): string {
  const where = path.length === 0 ? 'at the top level' : `under ${describePath(path)}`;
  return `See modelgate.schema.json for the keys allowed ${where}.`;
}

function received(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export function parseConfig(text: string, file = DEFAULT_CONFIG_FILE): ModelgateConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [syntax] = doc.errors;
  if (syntax) {
    const pos = syntax.linePos?.[0] ?? { line: 1, col: 1 };
    throw new UserError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  const pos = valuePosition(doc, lines, path);
  const key = describePath(path) || '(top level)';
  const value = path.reduce<unknown>((v, k) => (v as Record<PathKey, unknown> | undefined)?.[k], raw);
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0] ?? '';
    const at = keyPosition(doc, lines, [...path, unknown]) ?? pos;
    throw new UserError(
      `${file}:${at.line}:${at.col}: ${describePath([...path, unknown])}: unknown key. ${hint(path)}`,
    );
  }
  if (value === undefined) {
    throw new UserError(
      `${file}:${pos.line}:${pos.col}: ${key}: missing required key (${issue.message.replace(/^Invalid input: /, '')}).`,
    );
  }
  throw new UserError(`${file}:${pos.line}:${pos.col}: ${key}: ${issue.message}, got ${received(value)}`);
}

export async function loadConfig(file = DEFAULT_CONFIG_FILE): Promise<ModelgateConfig> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError(
      err.code === 'ENOENT'
        ? `${file}: no such config file. Run 'modelgate init' or pass --config <file>.`
        : `${file}: cannot read: ${err.message}`,
    );
  });
  return parseConfig(text, file);
}
