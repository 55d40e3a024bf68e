import { describe, expect, it } from 'vitest';
import { ellipsize, markdownCell, markdownCode, renderMarkdownTable } from '../src/index.js';

describe('renderMarkdownTable', () => {
  it('escapes text cells, keeps Markdown cells, and aligns by column', () => {
    const table = renderMarkdownTable({
      columns: [
        { header: 'name', markdown: true },
        { header: 'note', align: 'left' },
        { header: 'n', align: 'right' },
      ],
      rows: [[markdownCode('a|b'), 'x|y <b>\nz', '3'], [markdownCode('')]],
    });
    expect(table).toBe(
      [
        '| name | note | n |',
        '|---|:---|---:|',
        '| `a\\|b` | x\\|y &lt;b> z | 3 |',
        '| *(empty)* |  |  |',
      ].join('\n'),
    );
  });

  it('turns control characters in a cell into spaces', () => {
    expect(markdownCell('a\tb\r\nc')).toBe('a b  c');
  });
});

describe('ellipsize', () => {
  it('cuts by characters, not UTF-16 units, and ends with an ellipsis', () => {
    expect(ellipsize('abc', 3)).toBe('abc');
    expect(ellipsize('abcd', 3)).toBe('ab…');
    expect(ellipsize('🐧🐧🐧🐧', 3)).toBe('🐧🐧…');
  });
});
