export { markdownCell, markdownCode } from './cell.js';
export * from './escape.js';
export { renderMarkdownTable, type Table, type TableColumn } from './table.js';
