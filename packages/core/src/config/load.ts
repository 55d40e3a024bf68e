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

/** Where a key sits in the YAML text; a missing key points at its parent. */
function locate(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: readonly PathKey[]) {
  for (let depth = path.length; depth >= 0; depth--) {
    const parentPath = path.slice(0, depth - 1);
    const parent = depth === 0 ? doc.contents : doc.getIn(parentPath, true);
    const key = path[depth - 1];
    if (depth > 0 && isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      const range = (pair?.key as { range?: [number, number] } | null)?.range;
      if (range) return lines.linePos(range[0]);
    }
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number] } | null)?.range;
    if (range) return lines.linePos(range[0]);
  }
  return { line: 1, col: 1 };
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
  const pos = locate(doc, lines, path);
  const key = describePath(path) || '(top level)';
  const value = path.reduce<unknown>((v, k) => (v as Record<PathKey, unknown> | undefined)?.[k], raw);
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0] ?? '';
    const at = locate(doc, lines, [...path, unknown]);
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
