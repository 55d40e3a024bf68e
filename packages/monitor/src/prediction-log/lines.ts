import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ellipsize, endsWithNewline, errorMessage, UserError } from '@modelgate/core';

/** A last line cut off mid-write (the server was killed while writing): skipped and counted. */
export interface TornLine {
  file: string;
  /** 1-based. */
  line: number;
}

export interface SkippedLogLines {
  torn: TornLine[];
  /** Files of zero bytes (created, then nothing written before a crash). */
  emptyFiles: string[];
}

/** The log's files as DuckDB should read them: a file with a torn last line is read from a copy without it. */
export interface ReadableLog {
  /** The paths to read, and the log file each stands for. */
  files: { read: string; file: string }[];
  skipped: SkippedLogLines;
  /** Removes the copies. */
  dispose(): Promise<void>;
}

const NEWLINE = 0x0a;

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function countNewlines(bytes: Buffer, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i >= 0 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/**
 * The log's files with what a crash leaves behind set aside: zero-byte files,
 * and a last line with no newline that is not JSON (the writer always ends a
 * line with one, so such a line was cut off). Anything else wrong is left for
 * the reader to refuse (`findBadLine`).
 */
export async function readableLogFiles(files: readonly string[]): Promise<ReadableLog> {
  const readable: ReadableLog['files'] = [];
  const skipped: SkippedLogLines = { torn: [], emptyFiles: [] };
  let copies: string | undefined;
  try {
    for (const file of files) {
      const size = (
        await stat(file).catch((err: unknown) => {
          throw new UserError(`${file}: cannot read the prediction log file: ${errorMessage(err)}`);
        })
      ).size;
      if (size === 0) {
        skipped.emptyFiles.push(file);
        continue;
      }
      if (await endsWithNewline(file, size)) {
        readable.push({ read: file, file });
        continue;
      }
      const bytes = await readFile(file);
      const end = bytes.lastIndexOf(NEWLINE) + 1;
      if (parses(bytes.subarray(end).toString('utf8'))) {
        readable.push({ read: file, file });
        continue;
      }
      skipped.torn.push({ file, line: countNewlines(bytes, end) + 1 });
      if (end === 0) continue;
      copies ??= await mkdtemp(join(tmpdir(), 'modelgate-log-'));
      const copy = join(copies, `${readable.length}-${basename(file)}`);
      await writeFile(copy, bytes.subarray(0, end));
      readable.push({ read: copy, file });
    }
  } catch (err) {
    if (copies) await rm(copies, { recursive: true, force: true });
    throw err;
  }
  return {
    files: readable,
    skipped,
    dispose: async () => {
      if (copies) await rm(copies, { recursive: true, force: true });
    },
  };
}

/**
 * The first line of the files that is neither blank nor a JSON object, as one
 * line naming the file and line number; undefined when every line is one.
 */
export async function findBadLine(files: ReadableLog['files']): Promise<string | undefined> {
  for (const { read, file } of files) {
    const lines = createInterface({ input: createReadStream(read, 'utf8'), crlfDelay: Infinity });
    let number = 0;
    for await (const line of lines) {
      number++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        lines.close();
        return `${file}:${number}: not JSON: ${JSON.stringify(ellipsize(line, 60))}. Expected one JSON object per line, as modelgate serve --prediction-log writes.`;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        lines.close();
        return `${file}:${number}: ${JSON.stringify(ellipsize(line, 60))} is not a JSON object. Expected one per line, as modelgate serve --prediction-log writes.`;
      }
    }
  }
  return undefined;
}

/** What the reader left out, as the report's notes say it; empty when nothing was. */
export function describeSkipped(skipped: SkippedLogLines): string[] {
  const notes: string[] = [];
  const { torn, emptyFiles } = skipped;
  if (torn.length > 0) {
    const where = torn.map((t) => `${basename(t.file)} line ${t.line}`);
    notes.push(
      `prediction log: skipped ${torn.length} last ${torn.length === 1 ? 'line' : 'lines'} cut off mid-write (the server stopped while writing): ${where.slice(0, 5).join(', ')}${where.length > 5 ? ', …' : ''}.`,
    );
  }
  if (emptyFiles.length > 0) {
    notes.push(
      `prediction log: ${emptyFiles.length} empty ${emptyFiles.length === 1 ? 'file' : 'files'} (no rows): ${emptyFiles
        .slice(0, 5)
        .map((f) => basename(f))
        .join(', ')}${emptyFiles.length > 5 ? ', …' : ''}.`,
    );
  }
  return notes;
}
