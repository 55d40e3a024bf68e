export interface TableColumn {
  header: string;
  /** Numbers read best right-aligned; the default is left. */
  align?: 'left' | 'right';
  /** On the terminal, longer cells are cut with an ellipsis; Markdown keeps them whole. */
  maxChars?: number;
}

export interface Table {
  columns: readonly TableColumn[];
  rows: readonly (readonly string[])[];
}

const length = (text: string) => [...text].length;

/** Cells hold data, and data can hold terminal escapes: control characters become '?'. */
function terminalCell(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const chars = [...text.replace(/\p{Cc}/gu, '?')];
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : chars.join('');
}

/** Columns two spaces apart, each as wide as its widest cell, header first. */
export function renderTextTable(table: Table, indent = ''): string {
  const { columns } = table;
  const lines = [columns.map((c) => c.header), ...table.rows].map((row) =>
    columns.map((c, i) => terminalCell(row[i] ?? '', c.maxChars)),
  );
  const widths = columns.map((_, i) => Math.max(...lines.map((row) => length(row[i] ?? ''))));
  return lines
    .map((row) => {
      const cells = row.map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - length(cell));
        return columns[i]?.align === 'right' ? pad + cell : cell + pad;
      });
      return `${indent}${cells.join('  ')}`.trimEnd();
    })
    .join('\n');
}

/** A cell cannot end its row or the table, nor open HTML. */
function markdownCell(text: string): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .replaceAll('|', '\\|')
    .replaceAll('<', '&lt;');
}

/** A GitHub-flavoured Markdown table. */
export function renderMarkdownTable(table: Table): string {
  const row = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [
    row(table.columns.map((c) => c.header)),
    `|${table.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`,
    ...table.rows.map(row),
  ].join('\n');
}
