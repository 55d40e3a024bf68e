import { join } from 'node:path';
import { type Database, listLiteral, quoteIdent, quoteLiteral } from '@modelgate/core';
import type { DuckAppender } from './duckdb-types.js';
import type { OutputFormat } from './types.js';

export interface SinkColumn {
  name: string;
  /** A DuckDB type, e.g. BIGINT, VARCHAR, FLOAT. */
  type: string;
}

const COPY_OPTIONS: Record<OutputFormat, string> = {
  parquet: 'FORMAT parquet',
  csv: 'FORMAT csv, HEADER true',
  jsonl: 'FORMAT json',
};

/**
 * Rows appended through a DuckDB appender, spilled to a Parquet part every
 * flush so memory holds one chunk; finish() streams the parts, in order,
 * into the one output file.
 */
export class PartSink {
  private appender: DuckAppender | undefined;
  private readonly parts: string[] = [];
  private pending = 0;

  private constructor(
    private readonly db: Database,
    private readonly table: string,
    private readonly partsDir: string,
    private readonly create: string,
  ) {}

  static async open(db: Database, table: string, columns: readonly SinkColumn[], partsDir: string) {
    const list = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    const create = `CREATE OR REPLACE TABLE ${quoteIdent(table)} (${list})`;
    await db.run(create);
    return new PartSink(db, table, partsDir, create);
  }

  /** The appender for the next rows; call endRow() after each row's values. */
  async rows(): Promise<DuckAppender> {
    this.appender ??= await this.db.appender(this.table);
    return this.appender;
  }

  endRow(): void {
    this.appender?.endRow();
    this.pending++;
  }

  async flush(): Promise<void> {
    if (!this.appender) return;
    this.appender.closeSync();
    this.appender = undefined;
    if (this.pending === 0) return;
    const part = join(this.partsDir, `${this.table}-${String(this.parts.length).padStart(6, '0')}.parquet`);
    await this.db.run(`COPY ${quoteIdent(this.table)} TO ${quoteLiteral(part)} (FORMAT parquet)`);
    // A new table rather than DELETE: DuckDB keeps deleted rows' storage, which would grow with the input.
    await this.db.run(this.create);
    this.parts.push(part);
    this.pending = 0;
  }

  /** Writes every row appended so far to `path`, in order. */
  async finish(path: string, format: OutputFormat): Promise<void> {
    await this.flush();
    const source =
      this.parts.length === 0
        ? quoteIdent(this.table)
        : `(SELECT * FROM read_parquet(${listLiteral(this.parts)}))`;
    await this.db.run(`COPY ${source} TO ${quoteLiteral(path)} (${COPY_OPTIONS[format]})`);
  }
}
