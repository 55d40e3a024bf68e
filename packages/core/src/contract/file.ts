import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { errorMessage, UserError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { type Contract, type ContractColumn, contractSchema, SUPPORTED_CONTRACT_VERSIONS } from './schema.js';

type PathKey = string | number;

function describePath(path: readonly PathKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

function checkVersion(raw: unknown, file: string): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${file}: expected a JSON object with version, rows and columns.`);
  }
  const version = (raw as { version?: unknown }).version;
  if (!SUPPORTED_CONTRACT_VERSIONS.includes(version as number)) {
    const got = version === undefined ? 'missing' : `unsupported version ${JSON.stringify(version)}`;
    throw new UserError(
      `${file}: version: ${got}. Supported contract versions: ${SUPPORTED_CONTRACT_VERSIONS.join(', ')}.`,
    );
  }
}

/** Parses a contract's JSON text; any fault is a UserError naming the file and the field. */
export function parseContract(text: string, file: string): Contract {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: invalid JSON: ${errorMessage(err)}`);
  }
  checkVersion(raw, file);
  const parsed = contractSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    throw new UserError(`${file}: ${describePath([...path, issue.keys[0] ?? ''])}: unknown field.`);
  }
  throw new UserError(`${file}: ${describePath(path) || '(top level)'}: ${issue.message}.`);
}

export async function readContract(file: string): Promise<Contract> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError(
      err.code === 'ENOENT'
        ? `${file}: no such contract file. Write one with 'modelgate validate --data <reference> --write-schema ${file}'.`
        : `${file}: cannot read: ${err.message}`,
    );
  });
  return parseContract(text, file);
}

function orderedColumn(c: ContractColumn): ContractColumn {
  return {
    name: c.name,
    kind: c.kind,
    nullable: c.nullable,
    ...(c.max_null_rate !== undefined ? { max_null_rate: c.max_null_rate } : {}),
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
    ...(c.categories !== undefined ? { categories: c.categories } : {}),
  };
}

/** Pretty JSON with a fixed key order, so a changed contract diffs line by line in git. */
export function serializeContract(contract: Contract): string {
  const ordered: Contract = {
    version: contract.version,
    rows: {
      min: contract.rows.min,
      ...(contract.rows.max !== undefined ? { max: contract.rows.max } : {}),
    },
    ...(contract.key !== undefined ? { key: contract.key } : {}),
    columns: contract.columns.map(orderedColumn),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export async function writeContract(file: string, contract: Contract): Promise<void> {
  await writeFileAtomic(file, serializeContract(contract));
}
