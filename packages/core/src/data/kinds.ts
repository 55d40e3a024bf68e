export const COLUMN_KINDS = ['numeric', 'categorical', 'boolean', 'datetime', 'text'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const DATETIME = /^(DATE|TIME|TIMESTAMP.*|TIME WITH TIME ZONE)$/;

/** Above this many distinct values a string column is free text rather than a category. */
export const MAX_CATEGORIES = 1000;
/** A string column whose values are mostly unique (names, ids, sentences) is text. */
const UNIQUE_SHARE_FOR_TEXT = 0.5;
const MIN_DISTINCT_FOR_TEXT = 50;

export function isStringType(duckdbType: string): boolean {
  return duckdbType === 'VARCHAR' || duckdbType.startsWith('ENUM');
}

/** The kind of a column from its DuckDB type and, for strings, its cardinality. */
export function kindOf(duckdbType: string, distinct = 0, nonNull = 0): ColumnKind {
  if (duckdbType === 'BOOLEAN') return 'boolean';
  if (NUMERIC.test(duckdbType)) return 'numeric';
  if (DATETIME.test(duckdbType)) return 'datetime';
  if (duckdbType.startsWith('ENUM')) return 'categorical';
  if (duckdbType === 'VARCHAR') {
    const mostlyUnique = distinct > MIN_DISTINCT_FOR_TEXT && distinct > UNIQUE_SHARE_FOR_TEXT * nonNull;
    return distinct > MAX_CATEGORIES || mostlyUnique ? 'text' : 'categorical';
  }
  return 'text';
}
