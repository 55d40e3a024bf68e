import type { ColumnKind } from '@modelgate/core';
import type { LoggedValue } from './rows.js';

/** The kind a column's first non-null value suggests; undefined while it has only nulls. */
export function kindOfValue(value: LoggedValue): ColumnKind | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return 'numeric';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'categorical';
  return 'text';
}

/** A logged value as the profile's column kind reads it; what does not fit counts as null. */
export function profileValue(kind: ColumnKind, value: LoggedValue): number | string | boolean | null {
  if (value === null) return null;
  switch (kind) {
    case 'numeric': {
      if (typeof value === 'number') return value;
      if (typeof value === 'boolean') return Number(value);
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      return value === 'true' ? true : value === 'false' ? false : null;
    case 'datetime': {
      const ms =
        typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isFinite(ms) ? ms : null;
    }
    case 'categorical':
    case 'text':
      return typeof value === 'string'
        ? value
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  }
}

/** The DuckDB type the batch table stores a kind in (datetimes as epoch milliseconds). */
export function storageType(kind: ColumnKind): 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' {
  switch (kind) {
    case 'numeric':
    case 'datetime':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'categorical':
    case 'text':
      return 'VARCHAR';
  }
}

/** The type the profile reports for a kind. */
export function profileType(kind: ColumnKind): string {
  return kind === 'datetime' ? 'TIMESTAMP' : storageType(kind);
}
