import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markdownCell, markdownCode } from '@modelgate/core';
import { parseMetadata, renderCard } from '@modelgate/registry';
import { describe, expect, it } from 'vitest';
import { inlineMarkdown, renderMarkdown } from '../src/index.js';

const VERSION = join(import.meta.dirname, '../../../registry/penguins-species/versions/v1');

describe('card.md as HTML', () => {
  it('renders the card the registry wrote: headings, tables, code spans, lists', async () => {
    const card = await readFile(join(VERSION, 'card.md'), 'utf8');
    const html = renderMarkdown(card);
    expect(html).toMatch(/^<h3>penguins-species v1<\/h3>/);
    expect(html).toContain('<h4>Signature</h4>');
    expect(html).toContain('<td><code>Beak Length (mm)</code></td>');
    expect(html).toContain('<th scope="col" class="num">value</th>');
    expect(html).toContain('<code>Adelie</code>, <code>Chinstrap</code>, <code>Gentoo</code>');
    expect(html.match(/<table>/g)).toHaveLength((card.match(/^\|---/gm) ?? []).length);
  });

  it('shows what the registry escaped as the text it was, and nothing as markup', async () => {
    const metadata = parseMetadata(await readFile(join(VERSION, 'metadata.json'), 'utf8'), 'metadata.json');
    const names = ['a|b', '<img src=x onerror=alert(1)>', '`tick`', '*not em*', 'x & y', '@team'];
    const html = renderMarkdown(
      renderCard({ ...metadata, classes: names, params: { [names[1] ?? '']: names[0] ?? '' } }),
    );
    expect(html).not.toMatch(/<img|<script/);
    // A pipe in a table cell; outside a table GitHub shows markdownCode's backslash too.
    expect(html).toContain('<td class="num">a|b</td>');
    expect(html).toContain('<code>a\\|b</code>');
    expect(html).toContain('<code>&lt;img src=x onerror=alert(1)&gt;</code>');
    expect(html).toContain('<code>`tick`</code>');
    for (const name of names) {
      expect(inlineMarkdown(markdownCell(name)).replace(/\u200b/g, '')).toBe(
        name.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'),
      );
      expect(inlineMarkdown(markdownCode(name))).toMatch(/^<code>/);
    }
    expect(inlineMarkdown('&lt;b&gt; &#60;i&#62; &bogus; **bold** _it_')).toBe(
      '&lt;b&gt; &lt;i&gt; &amp;bogus; <strong>bold</strong> <em>it</em>',
    );
  });
});
