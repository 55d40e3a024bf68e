import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { errorMessage } from '../errors.js';

export type Row = Record<string, unknown>;

/** Called with a fraction in [0, 1] while a long query runs. */
export type ProgressListener = (fraction: number) => void;

const PROGRESS_POLL_MS = 200;

/**
 * One in-memory DuckDB per command. Queries go through here so progress
 * reporting and error wording are the same everywhere.
 */
export class Database {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(options: { threads?: number } = {}): Promise<Database> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(options.threads);
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    // Tracking (not printing) is what makes connection.progress report a percentage.
    await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
    return new Database(instance, connection);
  }

  async run(sql: string, onProgress?: ProgressListener): Promise<void> {
    await this.withProgress(() => this.connection.run(sql), onProgress);
  }

  /** Rows as plain JS values (BIGINT as bigint, DATE/TIMESTAMP as DuckDB value objects). */
  async rows<T extends Row = Row>(sql: string, onProgress?: ProgressListener): Promise<T[]> {
    const reader = await this.withProgress(() => this.connection.runAndReadAll(sql), onProgress);
    return reader.getRowObjectsJS() as T[];
  }

  /** Rows as JSON-safe values (BIGINT and dates as strings). */
  async jsonRows<T extends Row = Row>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as T[];
  }

  async first<T extends Row = Row>(sql: string, onProgress?: ProgressListener): Promise<T> {
    const [row] = await this.rows<T>(sql, onProgress);
    if (!row) throw new Error(`query returned no rows: ${sql.slice(0, 200)}`);
    return row;
  }

  close(): void {
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
