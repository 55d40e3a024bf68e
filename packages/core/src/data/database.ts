import { type DuckDBAppender, type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { errorMessage } from '../errors.js';

export type Row = Record<string, unknown>;
export type { DuckDBAppender, DuckDBConnection };

/** Called with a fraction in [0, 1] while a long query runs. */
export type ProgressListener = (fraction: number) => void;

const PROGRESS_POLL_MS = 200;

/**
 * One in-memory DuckDB per command. Queries go through here so progress
 * reporting and error wording are the same everywhere.
 */
export class Database {
  /** The tail of the queries waiting for the connection, in the order they asked. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** False for the Database an `uninterrupted` turn lends: its owner closes the connection. */
    private readonly owns = true,
  ) {}

  /**
   * Runs `work` alone on the connection. A DuckDB connection reads one result at a time: a query
   * started while another's result is still being read cuts that one short, and it then reads
   * zeros, not an error. So every query here waits its turn, and `Promise.all` over queries is safe.
   * `work` must not itself call this Database (it would wait for itself).
   */
  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const turn = this.queue.then(() => work(this.connection));
    this.queue = turn.catch(() => {});
    return turn;
  }

  /**
   * Runs several queries as one turn: `work` gets a Database of its own on this connection, and
   * nothing else on this one runs until `work` settles. For a sequence that keeps state on the
   * connection between its queries (a setting it changes and restores, a temporary table or view
   * of a fixed name): each query alone takes its turn, but another caller could run between them.
   * Like `exclusive`, `work` must query through the Database it gets, not this one.
   */
  uninterrupted<T>(work: (db: Database) => Promise<T>): Promise<T> {
    return this.exclusive((connection) => work(new Database(this.instance, connection, false)));
  }

  static async open(options: { threads?: number } = {}): Promise<Database> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(options.threads);
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    // Tracking (not printing) is what makes connection.progress report a percentage. UTC: text
    // times without an offset, and zoned ones cast or truncated, read the same on every machine.
    await connection.run(
      "SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET TimeZone = 'UTC'",
    );
    return new Database(instance, connection);
  }

  async run(sql: string, onProgress?: ProgressListener): Promise<void> {
    await this.exclusive((c) => this.withProgress(() => c.run(sql), onProgress));
  }

  /** Rows as plain JS values (BIGINT as bigint, DATE/TIMESTAMP as DuckDB value objects). */
  async rows<T extends Row = Row>(sql: string, onProgress?: ProgressListener): Promise<T[]> {
    const reader = await this.exclusive((c) => this.withProgress(() => c.runAndReadAll(sql), onProgress));
    return reader.getRowObjectsJS() as T[];
  }

  /** Rows as JSON-safe values (BIGINT and dates as strings). */
  async jsonRows<T extends Row = Row>(sql: string): Promise<T[]> {
    const reader = await this.exclusive((c) => c.runAndReadAll(sql));
    return reader.getRowObjectsJson() as T[];
  }

  /** An appender into `table` that stays open across turns (the caller appends in order, then closes it). */
  appender(table: string): Promise<DuckDBAppender> {
    return this.exclusive((c) => c.createAppender(table));
  }

  /** Appends rows to `table` in one turn: `fill` appends them, then the appender is flushed and closed. */
  append(table: string, fill: (appender: DuckDBAppender) => void): Promise<void> {
    return this.exclusive(async (c) => {
      const appender = await c.createAppender(table);
      try {
        fill(appender);
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    });
  }

  async first<T extends Row = Row>(sql: string, onProgress?: ProgressListener): Promise<T> {
    const [row] = await this.rows<T>(sql, onProgress);
    if (!row) throw new Error(`query returned no rows: ${sql.slice(0, 200)}`);
    return row;
  }

  close(): void {
    if (!this.owns)
      throw new Error('close(): this Database is lent by uninterrupted(); its owner closes it.');
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async withProgress<T>(work: () => Promise<T>, onProgress?: ProgressListener): Promise<T> {
    if (!onProgress) return work();
    const timer = setInterval(() => {
      const { percentage } = this.connection.progress;
      if (percentage >= 0) onProgress(Math.min(1, percentage / 100));
    }, PROGRESS_POLL_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }
}

/** DuckDB's messages carry a caret diagram after the first line; users need the first line. */
export function duckdbMessage(err: unknown): string {
  const first = errorMessage(err).split('\n')[0] ?? '';
  return first.trim();
}

export async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open();
  try {
    return await work(db);
  } finally {
    db.close();
  }
}
