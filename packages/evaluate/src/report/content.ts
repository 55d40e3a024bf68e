import type { Chart } from './charts.js';

/** Inline content: plain text (escaped by each renderer), data shown as code, or emphasis. */
export type Inline = string | { code: string } | { strong: string };
export type Cell = Inline | readonly Inline[];

export interface ReportTable {
  columns: readonly { header: string; align?: 'left' | 'right' }[];
  rows: readonly (readonly Cell[])[];
  /** Rows a comment shows before cutting the rest (with a note): the report's size budget. */
  limit: number;
}

export type Block =
  | { kind: 'paragraph'; content: readonly Inline[] }
  | { kind: 'list'; items: readonly (readonly Inline[])[] }
  | { kind: 'table'; table: ReportTable }
  | { kind: 'chart'; chart: Chart };

export interface ReportSection {
  title: string;
  /** Folded away (a <details> element) unless the reader opens it. */
  collapsed: boolean;
  blocks: readonly Block[];
}

/** What report.md and report.html both show, in order. */
export interface ReportContent {
  pass: boolean;
  /** e.g. "penguins-species passes the gate". */
  title: string;
  summary: readonly Inline[];
  sections: readonly ReportSection[];
}

export const text = (...content: Inline[]): Block => ({ kind: 'paragraph', content });
export const code = (value: string): Inline => ({ code: value });
export const strong = (value: string): Inline => ({ strong: value });
