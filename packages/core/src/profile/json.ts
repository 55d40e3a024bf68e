import { UserError } from '../errors.js';
import { parseJson, readJsonFile } from '../fs/read-json.js';
import type { DataProfile } from './types.js';
import { upgradeProfile } from './upgrade.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPrimitive = (v: Json) => v === null || typeof v !== 'object';
const isNumberTuple = (v: Json) => Array.isArray(v) && v.every((x) => typeof x === 'number');

function write(value: Json, indent: string): string {
  if (isPrimitive(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    // Bins and edges stay on one line; category tuples get a line each, so diffs read well.
    if (value.every(isPrimitive) || value.every(isNumberTuple)) return JSON.stringify(value);
    if (value.every((v) => Array.isArray(v) && v.every(isPrimitive))) {
      return `[\n${value.map((v) => inner + JSON.stringify(v)).join(',\n')}\n${indent}]`;
    }
    return `[\n${value.map((v) => inner + write(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** Pretty JSON that keeps long number arrays on one line; the same profile always gives the same bytes. */
export function stringifyProfile(profile: DataProfile): string {
  return `${write(JSON.parse(JSON.stringify(profile)) as Json, '')}\n`;
}

/** A parsed JSON value as a profile of today's version; `name` (a file) is what error messages point at. */
function toProfile(value: unknown, name: string): DataProfile {
  const candidate = value as Partial<DataProfile> | null;
  if (typeof candidate !== 'object' || candidate === null || !('version' in candidate)) {
    throw new UserError(`${name}: not a modelgate profile. Expected an object with "version" and "columns".`);
  }
  if (typeof candidate.rows !== 'number' || typeof candidate.columns !== 'object' || !candidate.columns) {
    throw new UserError(
      `${name}: not a modelgate profile. Expected "rows" (a number) and "columns" (an object).`,
    );
  }
  return upgradeProfile(candidate as DataProfile, name);
}

/** Parses profile.json text; `name` (a file) is what error messages point at. */
export function parseProfile(text: string, name = 'profile'): DataProfile {
  return toProfile(parseJson(text, name), name);
}

export async function readProfile(path: string): Promise<DataProfile> {
  return toProfile(await readJsonFile(path, 'profile'), path);
}
