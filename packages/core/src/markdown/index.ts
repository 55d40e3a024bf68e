export { markdownCell, markdownCode } from './cell.js';
export { renderMarkdownTable, type Table, type TableColumn } from './table.js';
