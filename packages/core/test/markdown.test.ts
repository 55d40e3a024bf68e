import { describe, expect, it } from 'vitest';
import { ellipsize, markdownCell, markdownCode, markdownText, renderMarkdownTable } from '../src/index.js';

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

  it('keeps links, mentions, emphasis and code in a text cell from rendering', () => {
    expect(markdownCell('[x](javascript:alert(1)) @everyone **b** _e_ `c` ~~s~~ https://x.example')).toBe(
      '\\[x\\](javascript:alert(1)) @&#8203;everyone \\*\\*b\\*\\* \\_e\\_ \\`c\\` \\~\\~s\\~\\~ https:&#8203;//x.example',
    );
  });
});

describe('markdownText', () => {
  it('leaves an underscore between letters or digits, which GFM never reads as emphasis', () => {
    expect(markdownText('row_count log__loss _lead trail_ a_ _b 1_2')).toBe(
      'row_count log__loss \\_lead trail\\_ a\\_ \\_b 1_2',
    );
  });
});

describe('ellipsize', () => {
  it('cuts by characters, not UTF-16 units, and ends with an ellipsis', () => {
    expect(ellipsize('abc', 3)).toBe('abc');
    expect(ellipsize('abcd', 3)).toBe('ab…');
    expect(ellipsize('🐧🐧🐧🐧', 3)).toBe('🐧🐧…');
  });
});
