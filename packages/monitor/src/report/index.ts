export { columnsTable, modelLine, windowLine } from './cells.js';
export { percent } from './format.js';
export { stringifyMonitorReport } from './json.js';
export { MAX_MARKDOWN_CHARS, renderMonitorMarkdown } from './markdown.js';
export { type Chart, MAX_CHART_POINTS, mermaidText, renderChart } from './mermaid.js';
export * from './types.js';
