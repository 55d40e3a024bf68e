import type { Database } from '@modelgate/core';

// The runtime reaches DuckDB only through core's Database; its types are named from there.
export type DuckStream = Awaited<ReturnType<Database['connection']['stream']>>;
export type DuckChunk = NonNullable<Awaited<ReturnType<DuckStream['fetchChunk']>>>;
export type DuckValue = ReturnType<DuckChunk['getColumnValues']>[number];
export type DuckAppender = Awaited<ReturnType<Database['connection']['createAppender']>>;
