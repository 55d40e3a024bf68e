import { UserError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { parseJson, readJsonFile } from '../fs/read-json.js';
import { zodErrorLine } from '../zod-errors.js';
import { type Contract, type ContractColumn, contractSchema, SUPPORTED_CONTRACT_VERSIONS } from './schema.js';

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

/** A parsed JSON value as a contract; any fault is a UserError naming the file and the field. */
function toContract(raw: unknown, file: string): Contract {
  checkVersion(raw, file);
  const parsed = contractSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new UserError(zodErrorLine(file, parsed.error, raw, { unknown: () => 'unknown field.' }));
}

/** Parses a contract's JSON text; any fault is a UserError naming the file and the field. */
export function parseContract(text: string, file: string): Contract {
  return toContract(parseJson(text, file), file);
}

export async function readContract(file: string): Promise<Contract> {
  const hint = `Write one with 'modelgate validate --data <reference> --write-schema ${file}'.`;
  return toContract(await readJsonFile(file, 'contract', hint), file);
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

/** `replace: false` keeps a file that appeared at `file` meanwhile (an OutputAppeared). */
export async function writeContract(
  file: string,
  contract: Contract,
  options: { replace: boolean } = { replace: true },
): Promise<void> {
  await writeFileAtomic(file, serializeContract(contract), options);
}
