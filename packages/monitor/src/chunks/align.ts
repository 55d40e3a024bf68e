import {
  type ColumnInfo,
  type ColumnKind,
  type Database,
  type DataProfile,
  quoteIdent,
  toNumber,
} from '@modelgate/core';

/** A current column as it is profiled: a SQL expression over the loaded table, with the kind to profile it as. */
export interface AlignedColumn {
  info: ColumnInfo;
  sql: string;
}

/** A column whose kind here differs from the reference's, and what was done about it. */
export interface KindChange {
  column: string;
  reference: ColumnKind;
  current: ColumnKind;
  currentType: string;
  /** True: profiled as the reference kind; false: left as is (the drift test skips it). */
  converted: boolean;
  /** Non-null values here, and how many of them did not convert (they count as nulls). */
  values: number;
  lost: number;
}

/** Converting loses at most this share of the values, or the column is left as it is and skipped. */
export const MAX_LOST_SHARE = 0.5;

const TARGET_TYPE: Record<ColumnKind, string> = {
  numeric: 'DOUBLE',
  datetime: 'TIMESTAMP',
  boolean: 'BOOLEAN',
  categorical: 'VARCHAR',
  text: 'VARCHAR',
};

const isString = (kind: ColumnKind) => kind === 'categorical' || kind === 'text';

/** TRY_CAST yields NULL for a value it cannot convert, and for a cast DuckDB does not implement. */
function conversionSql(column: ColumnInfo, kind: ColumnKind): string {
  const id = quoteIdent(column.name);
  if (isString(kind)) return `CAST(${id} AS VARCHAR)`;
  if (column.type === 'TIMESTAMP WITH TIME ZONE' && kind === 'datetime') return `timezone('UTC', ${id})`;
  return `TRY_CAST(${id} AS ${TARGET_TYPE[kind]})`;
}

/**
 * The current columns to profile, with the reference's kinds where they
 * differ: a column the reference has as numbers but this file has as strings
 * (one 'n/a' is enough) is read as numbers, the rest counting as nulls. When
 * more than half of the values would not convert, the column keeps its own
 * kind and the drift report says the kind changed. Categorical and text only
 * differ in cardinality, so they take the reference's kind silently.
 */
export async function alignColumns(
  db: Database,
  table: string,
  current: readonly ColumnInfo[],
  reference: DataProfile,
  keep: (name: string) => boolean,
): Promise<{ columns: AlignedColumn[]; changes: KindChange[] }> {
  const kept = current.filter((c) => keep(c.name));
  const mismatched = kept.filter((c) => {
    const want = reference.columns[c.name]?.kind;
    return want !== undefined && want !== c.kind && !(isString(want) && isString(c.kind));
  });
  const counts = new Map<string, { values: number; lost: number }>();
  if (mismatched.length > 0) {
    const selects = mismatched.flatMap((c, i) => [
      `count(${quoteIdent(c.name)}) AS n${i}`,
      `count(${conversionSql(c, reference.columns[c.name]?.kind as ColumnKind)}) AS ok${i}`,
    ]);
    const row = await db.first(`SELECT ${selects.join(', ')} FROM ${quoteIdent(table)}`);
    mismatched.forEach((c, i) => {
      const values = toNumber(row[`n${i}`]) ?? 0;
      counts.set(c.name, { values, lost: values - (toNumber(row[`ok${i}`]) ?? 0) });
    });
  }
  const changes: KindChange[] = [];
  const columns = kept.map((column): AlignedColumn => {
    const want = reference.columns[column.name]?.kind;
    const own = { info: column, sql: quoteIdent(column.name) };
    if (want === undefined || want === column.kind) return own;
    if (isString(want) && isString(column.kind)) return { ...own, info: { ...column, kind: want } };
    const { values, lost } = counts.get(column.name) ?? { values: 0, lost: 0 };
    const converted = values === 0 || lost <= MAX_LOST_SHARE * values;
    changes.push({
      column: column.name,
      reference: want,
      current: column.kind,
      currentType: column.type,
      converted,
      values,
      lost: converted ? lost : 0,
    });
    if (!converted) return own;
    return {
      info: { name: column.name, type: TARGET_TYPE[want], kind: want },
      sql: conversionSql(column, want),
    };
  });
  return { columns, changes };
}

export function describeKindChange(change: KindChange): string {
  const here = `${change.current} (${change.currentType}) here, ${change.reference} in the reference`;
  if (!change.converted) {
    return `column '${change.column}': ${here}; most values are not ${change.reference}, so it is not compared.`;
  }
  const lost =
    change.lost > 0 ? `; ${change.lost} of ${change.values} values did not convert and count as nulls` : '';
  return `column '${change.column}': ${here}; compared as ${change.reference}${lost}.`;
}
