import { markdownCell } from './cell.js';

export interface TableColumn {
  header: string;
  /** Numbers read best right-aligned; without it, the renderer's default. */
  align?: 'left' | 'right';
  /** On the terminal, longer cells are cut with an ellipsis; Markdown keeps them whole. */
  maxChars?: number;
  /** The cells are Markdown already (built with markdownCode), not text to escape. */
  markdown?: boolean;
}

/** Rows of text cells under headers: rendered as Markdown here, for the terminal by the CLI. */
export interface Table {
  columns: readonly TableColumn[];
  rows: readonly (readonly string[])[];
}

const SEPARATOR = { left: ':---', right: '---:', default: '---' } as const;

/** A GitHub-flavoured Markdown table, one line a row, with no trailing newline. */
export function renderMarkdownTable(table: Table): string {
  const { columns } = table;
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const body = table.rows.map((cells) =>
    row(columns.map((c, i) => (c.markdown ? (cells[i] ?? '') : markdownCell(cells[i] ?? '')))),
  );
  return [
    row(columns.map((c) => markdownCell(c.header))),
    `|${columns.map((c) => SEPARATOR[c.align ?? 'default']).join('|')}|`,
    ...body,
  ].join('\n');
}
