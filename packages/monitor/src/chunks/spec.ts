import { UserError } from '@modelgate/core';

export const TIME_UNITS = ['hour', 'day', 'week', 'month'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/**
 * How the current window is cut: by calendar period of a time column, by N
 * rows in file order, one chunk per profile file, or not at all.
 */
export type ChunkSpec =
  | { by: 'time'; unit: TimeUnit }
  | { by: 'rows'; size: number }
  | { by: 'file' }
  | { by: 'all' };

/** More chunks than this is a chunk size mistake (hourly chunks over years), not a monitoring window. */
export const MAX_CHUNKS = 2000;

const EXPECTED = 'hour, day, week, month, rows:<N>, file or all';

export function parseChunkSpec(text: string, where = '--chunk'): ChunkSpec {
  if ((TIME_UNITS as readonly string[]).includes(text)) return { by: 'time', unit: text as TimeUnit };
  if (text === 'file' || text === 'all') return { by: text };
  const rows = /^rows:(\d+)$/.exec(text);
  const size = rows ? Number(rows[1]) : Number.NaN;
  if (Number.isSafeInteger(size) && size > 0) return { by: 'rows', size };
  throw new UserError(`${where} '${text}': expected ${EXPECTED} (e.g. rows:1000).`);
}

export function formatChunkSpec(spec: ChunkSpec): string {
  switch (spec.by) {
    case 'time':
      return spec.unit;
    case 'rows':
      return `rows:${spec.size}`;
    default:
      return spec.by;
  }
}
