import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { readUserFile } from '../fs/read-json.js';
import { describePath, type PathKey, type ZodProblem, zodErrorLine } from '../zod-errors.js';
import { type MonitorConfigFile, monitorConfigSchema } from './monitor-config.js';
import { configSchema, type ModelgateConfig } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'modelgate.yaml';

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

function hint(parent: readonly PathKey[]): string {
  const where = parent.length === 0 ? 'at the top level' : `under ${describePath(parent)}`;
  return `See modelgate.schema.json for the keys allowed ${where}.`;
}

export function parseConfig(text: string, file = DEFAULT_CONFIG_FILE): ModelgateConfig {
  return parseWith(configSchema, text, file);
}

/** A config as `modelgate monitor` reads it: only what monitoring uses is required (none of it). */
export function parseMonitorConfig(text: string, file = DEFAULT_CONFIG_FILE): MonitorConfigFile {
  return parseWith(monitorConfigSchema, text, file);
}

function parseWith<T>(schema: z.ZodType<T>, text: string, file: string): T {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [syntax] = doc.errors;
  if (syntax) {
    const pos = syntax.linePos?.[0] ?? { line: 1, col: 1 };
    throw new UserError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const at = (problem: ZodProblem) => {
    const pos =
      problem.kind === 'unknown'
        ? (keyPosition(doc, lines, problem.path) ?? valuePosition(doc, lines, problem.path.slice(0, -1)))
        : valuePosition(doc, lines, problem.path);
    return `:${pos.line}:${pos.col}`;
  };
  const unknown = (problem: ZodProblem) => `unknown key. ${hint(problem.path.slice(0, -1))}`;
  throw new UserError(zodErrorLine(file, parsed.error, raw, { at, unknown, explain: true }));
}

const READ_HINT = "Run 'modelgate init' or pass --config <file>.";

export async function loadConfig(file = DEFAULT_CONFIG_FILE): Promise<ModelgateConfig> {
  return parseConfig(await readUserFile(file, 'config', READ_HINT), file);
}

export async function loadMonitorConfig(file = DEFAULT_CONFIG_FILE): Promise<MonitorConfigFile> {
  return parseMonitorConfig(await readUserFile(file, 'config', READ_HINT), file);
}
