import { readFile } from 'node:fs/promises';
import { errorMessage, UserError } from '../errors.js';

/**
 * The text of a file the user named. A missing or unreadable file is a UserError
 * naming it and `what` it should be (`config`, `contract`); `ifMissing` says how to get one.
 */
export async function readUserFile(path: string, what: string, ifMissing?: string): Promise<string> {
  return readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT')
      throw new UserError(`${path}: no such ${what} file.${ifMissing ? ` ${ifMissing}` : ''}`);
    if (err.code === 'EISDIR') throw new UserError(`${path}: is a directory. Expected the ${what} file.`);
    if (err.code === 'ENOTDIR')
      throw new UserError(`${path}: a folder on its path is a file. Expected the ${what} file.`);
    throw new UserError(`${path}: cannot read the ${what} file: ${err.message}`);
  });
}

/** JSON text; malformed JSON is a UserError naming `file`. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${file}: invalid JSON: ${errorMessage(err)}`);
  }
}

/** A JSON file the user named, parsed but not yet checked against any schema. */
export async function readJsonFile(path: string, what: string, ifMissing?: string): Promise<unknown> {
  return parseJson(await readUserFile(path, what, ifMissing), path);
}
