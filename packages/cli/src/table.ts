import { ellipsize, type Table } from '@modelgate/core';

const length = (text: string) => [...text].length;

/** Cells hold data, and data can hold terminal escapes: control characters become '?'. */
function terminalCell(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  return ellipsize(text.replace(/\p{Cc}/gu, '?'), maxChars);
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
