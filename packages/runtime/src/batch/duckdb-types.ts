import type { DuckDBAppender, DuckDBConnection } from '@modelgate/core';

// The runtime reaches DuckDB only through core's Database; its types are named from there.
export type DuckStream = Awaited<ReturnType<DuckDBConnection['stream']>>;
export type DuckChunk = NonNullable<Awaited<ReturnType<DuckStream['fetchChunk']>>>;
export type DuckValue = ReturnType<DuckChunk['getColumnValues']>[number];
export type DuckAppender = DuckDBAppender;
