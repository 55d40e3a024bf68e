import { appendFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { endsWithNewline } from '@modelgate/core';
import { type JsonlKind, parsePredictionsFileName, predictionsFileName } from './layout.js';

interface OpenFile {
  index: number;
  bytes: number;
}

const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  );

/**
 * Appends a model's lines to its hour's JSONL file, rolling over to `-n` files at `maxFileBytes`.
 * `shared`: other processes append to the same files (each shadow process its lines), so the
 * files' sizes, and whether their last line is whole, are read again before each append. An
 * append's lines go to a file in one O_APPEND write, which Linux does not interleave with the
 * other processes' writes; appends at the same moment may each see the room only one of them has,
 * and then pass `maxFileBytes` together.
 */
export class JsonlFiles {
  private readonly current = new Map<string, OpenFile>();

  constructor(
    private readonly maxFileBytes: number,
    private readonly kind: JsonlKind = 'predictions',
    private readonly shared = false,
  ) {}

  private path(dir: string, hour: string, index: number): string {
    return join(dir, predictionsFileName(hour, index, this.kind));
  }

  /**
   * The file's size on disk, or the next file's where its last line is cut off (a writer that died
   * mid-write, or, shared, one still writing): appending there would glue lines to it.
   */
  private async onDisk(dir: string, hour: string, file: OpenFile): Promise<void> {
    for (;;) {
      const path = this.path(dir, hour, file.index);
      file.bytes = await sizeOf(path);
      if (file.bytes === 0 || (await endsWithNewline(path, file.bytes))) return;
      file.index += 1;
    }
  }

  /** The hour's last file and its size, found on disk the first time (so a restart appends). */
  private async open(dir: string, hour: string): Promise<OpenFile> {
    const key = `${dir}\n${hour}`;
    const known = this.current.get(key);
    if (known) return known;
    await mkdir(dir, { recursive: true });
    let index = 0;
    for (const name of await readdir(dir)) {
      const parsed = parsePredictionsFileName(name, this.kind);
      if (parsed?.hour === hour) index = Math.max(index, parsed.index);
    }
    for (const other of this.current.keys()) if (other.startsWith(`${dir}\n`)) this.current.delete(other);
    // A predecessor killed mid-write left a last line without its newline: the hour goes on in the
    // next file, and the torn line stays last in its own, where a reader skips it.
    const file = { index, bytes: 0 };
    await this.onDisk(dir, hour, file);
    this.current.set(key, file);
    return file;
  }

  /**
   * Appends lines, each ending in a newline: strings of one line each, or bytes of any number of lines
   * (a shadow's, as its process wrote them), cut between lines only where a file rolls over.
   */
  async append(dir: string, hour: string, lines: readonly string[] | readonly Uint8Array[]): Promise<void> {
    // Strings go as one block too: encoded once, and cut at a newline only where a file rolls over.
    const blocks =
      lines.length > 0 && typeof lines[0] !== 'string'
        ? (lines as readonly Uint8Array[])
        : [Buffer.from((lines as readonly string[]).join(''))];
    const file = await this.open(dir, hour);
    if (this.shared) await this.onDisk(dir, hour, file);
    let parts: Uint8Array[] = [];
    let partBytes = 0;
    const write = async () => {
      if (partBytes === 0) return;
      await appendFile(this.path(dir, hour, file.index), Buffer.concat(parts, partBytes));
      file.bytes += partBytes;
      parts = [];
      partBytes = 0;
    };
    const add = async (piece: Uint8Array) => {
      // Shared, the next file may already hold others' lines: on until one has room, or is empty.
      while (file.bytes + partBytes + piece.byteLength > this.maxFileBytes && file.bytes + partBytes > 0) {
        await write();
        file.index += 1;
        file.bytes = 0;
        if (this.shared) await this.onDisk(dir, hour, file);
      }
      parts.push(piece);
      partBytes += piece.byteLength;
    };
    for (const block of blocks) {
      if (file.bytes + partBytes + block.byteLength <= this.maxFileBytes) {
        await add(block);
        continue;
      }
      // Past the file's size the block is cut into its lines, so the next file starts at a line.
      for (let start = 0; start < block.byteLength; ) {
        const newline = block.indexOf(10, start);
        const end = newline < 0 ? block.byteLength : newline + 1;
        await add(block.subarray(start, end));
        start = end;
      }
    }
    await write();
  }
}
