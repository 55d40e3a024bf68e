import { describe, expect, it } from 'vitest';
import {
  type DataProfile,
  fingerprintFiles,
  loadDataset,
  markdownCode,
  profileDataset,
  renderProfileMarkdown,
} from '../src/index.js';
import { dataset } from './datasets.js';
import { useDatabase, useTempDir } from './fixtures.js';

const db = useDatabase();
const tmp = useTempDir('profile-md');

const HOSTILE = [
  'a|b',
  '**bold**',
  '<script>alert(1)</script>',
  '`tick` and ``two``',
  '[link](https://example.com)',
  '@octocat',
  'line one\nline two',
  '# heading',
];

/** Cells of a GFM table row: split on pipes not escaped by a backslash. */
function cells(line: string): string[] {
  return line.slice(1, -1).split(/(?<!\\)\|/);
}

/** The text GitHub would render as markup: everything outside code spans. */
function outsideCode(markdown: string): string {
  return markdown.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, '');
}

/** Two categorical columns of four hostile values each, so every value is among the top shown. */
async function hostileProfile(): Promise<DataProfile> {
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const rows = Array.from({ length: 12 }, (_, k) => {
    return `${quote(HOSTILE[k % 4] as string)},${quote(HOSTILE[4 + (k % 4)] as string)},${k}`;
  });
  const path = await tmp.write('hostile.csv', `${quote('col|<b>"name"</b>')},second,n\n${rows.join('\n')}\n`);
  return profileDataset(db(), await loadDataset(db(), { path }));
}

describe('renderProfileMarkdown', () => {
  it('keeps hostile category and column names inert and the tables intact', async () => {
    const markdown = renderProfileMarkdown(await hostileProfile());
    const tableLines = markdown.split('\n').filter((l) => l.startsWith('|'));
    const summaryWidth = cells(tableLines[0] as string).length;
    expect(summaryWidth).toBe(10);
    for (const line of tableLines) {
      expect([summaryWidth, 2]).toContain(cells(line).length);
    }
    const prose = outsideCode(markdown);
    for (const markup of ['<script', '<b>', '**bold', '[link]', '@octocat', '# heading']) {
      expect(prose).not.toContain(markup);
    }
    expect(markdown).toContain('`col\\|<b>"name"</b>`');
    for (const value of HOSTILE) expect(markdown).toContain(markdownCode(value));
    expect(markdown).toContain('``` `tick` and ``two`` ```');
    expect(markdown).not.toMatch(/line one\nline two/);
  });

  it('escapes values for a table cell', () => {
    expect(markdownCode('a|b')).toBe('`a\\|b`');
    expect(markdownCode('x`y')).toBe('``x`y``');
    expect(markdownCode('`edge`')).toBe('`` `edge` ``');
    expect(markdownCode('tab\there')).toBe('`tab here`');
    expect(markdownCode('')).toBe('*(empty)*');
    expect(markdownCode('x'.repeat(100))).toBe(`\`${'x'.repeat(39)}…\``);
  });

  it('renders penguins as a short summary with top values and the source', async () => {
    const ds = await loadDataset(db(), { path: dataset('penguins.json') });
    const source = await fingerprintFiles(ds.files, { rows: ds.rowCount, columns: ds.columns.length });
    const markdown = renderProfileMarkdown(await profileDataset(db(), ds, { source }));
    expect(markdown).toContain(
      `**344 rows**, 7 columns from \`penguins.json\` (sha256 \`${source.sha256.slice(0, 12)}\`)`,
    );
    expect(markdown).toContain(
      '| `Body Mass (g)` | numeric | 2 (0.6%) | 94 | 4,202 | 802 | 2,700 | 4,050 | 6,300 |',
    );
    expect(markdown).toContain('| `Sex` | `MALE` 168 (50.3%) · `FEMALE` 165 (49.4%) · `.` 1 (0.3%) |');
    expect(markdown.split('\n').length).toBeLessThan(30);
  });

  it('shows dates as dates and notes NaN and infinities', async () => {
    const weather = await profileDataset(
      db(),
      await loadDataset(db(), { path: dataset('seattle-weather.csv') }),
    );
    expect(renderProfileMarkdown(weather)).toMatch(
      /\| `date` \| datetime \| 0 \| 1,461 \| 2013-12-31 \| 421\.\d d \| 2012-01-01 \| [\d-]+ \| 2015-12-31 \|/,
    );
    const path = await tmp.write('special.csv', 'x\n1\nNaN\ninf\n-inf\n2\n');
    const special = await profileDataset(db(), await loadDataset(db(), { path }));
    expect(renderProfileMarkdown(special)).toContain(
      '| `x` | 1 NaN, 1 +inf, 1 -inf (left out of mean, std, quantiles) |',
    );
  });
});
