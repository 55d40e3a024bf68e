export { markdownCell, markdownCode } from './cell.js';
export * from './escape.js';
export { type HtmlPage, htmlPage } from './html-page.js';
export { renderMarkdownTable, type Table, type TableColumn } from './table.js';
