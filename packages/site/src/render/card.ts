import { esc } from './html.js';

/**
 * card.md as HTML: the Markdown the registry writes (headings, GitHub tables, lists, code spans,
 * emphasis) and whatever a person added in the same subset. Every character of the source ends up
 * escaped: raw HTML, links and images show as the text they are.
 */

const ENTITY = /^&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|amp|lt|gt|quot|apos|nbsp);/i;
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};
const PUNCTUATION = /[!-/:-@[-`{-~]/;

function entity(name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('#')) {
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1));
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
      ? String.fromCodePoint(code)
      : '\ufffd';
  }
  return NAMED[lower] ?? '';
}

/** Characters that may start inline syntax; the text between them is escaped in one piece. */
const SYNTAX = /[\\`*_&]/g;

/** Code spans, **strong**, *em* / _em_, backslash escapes and entities; the rest is text. */
export function inlineMarkdown(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    SYNTAX.lastIndex = i;
    const next = SYNTAX.exec(text)?.index ?? text.length;
    if (next > i) {
      out += esc(text.slice(i, next));
      i = next;
      continue;
    }
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length && PUNCTUATION.test(text[i + 1] as string)) {
      out += esc(text[i + 1] as string);
      i += 2;
      continue;
    }
    if (c === '`') {
      const fence = /^`+/.exec(text.slice(i))?.[0] ?? '`';
      const end = text.indexOf(fence, i + fence.length);
      if (end > 0) {
        let inner = text.slice(i + fence.length, end);
        if (inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '') inner = inner.slice(1, -1);
        out += `<code>${esc(inner)}</code>`;
        i = end + fence.length;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const strong = text.startsWith(c + c, i);
      const marker = strong ? c + c : c;
      const end = text.indexOf(marker, i + marker.length);
      if (end > i + marker.length) {
        const tag = strong ? 'strong' : 'em';
        out += `<${tag}>${inlineMarkdown(text.slice(i + marker.length, end))}</${tag}>`;
        i = end + marker.length;
        continue;
      }
    }
    if (c === '&') {
      const match = ENTITY.exec(text.slice(i));
      if (match?.[1]) {
        out += esc(entity(match[1]));
        i += match[0].length;
        continue;
      }
    }
    out += esc(c);
    i++;
  }
  return out;
}

/** Cells of a `| a | b |` row; `\|` is a pipe inside a cell. */
function cells(line: string): string[] {
  const trimmed = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim().replaceAll('\\|', '|'));
}

const SEPARATOR_ROW = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$/;

function renderTable(lines: readonly string[]): string {
  const [head = '', separator = '', ...rows] = lines;
  const align = cells(separator).map((s) => (s.endsWith(':') && !s.startsWith(':') ? ' class="num"' : ''));
  const th = cells(head)
    .map((cell, i) => `<th scope="col"${align[i] ?? ''}>${inlineMarkdown(cell)}</th>`)
    .join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${cells(row)
          .map((cell, i) => `<td${align[i] ?? ''}>${inlineMarkdown(cell)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<div class="scroll" role="region" aria-label="${esc(cells(head).join(', ') || 'table')}" tabindex="0"><table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** The card's headings start at `level` (the page around it has the ones above). */
export function renderMarkdown(markdown: string, level = 3): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (fence) {
      const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence));
      const stop = end < 0 ? lines.length : end;
      out.push(`<pre><code>${esc(lines.slice(i + 1, stop).join('\n'))}</code></pre>`);
      i = stop + 1;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading?.[1]) {
      const h = Math.min(6, heading[1].length + level - 1);
      out.push(`<h${h}>${inlineMarkdown(heading[2] ?? '')}</h${h}>`);
      i++;
      continue;
    }
    if (line.trimStart().startsWith('|') && SEPARATOR_ROW.test((lines[i + 1] ?? '').trim())) {
      const rows: string[] = [];
      while (i < lines.length && (lines[i] as string).trimStart().startsWith('|'))
        rows.push(lines[i++] as string);
      out.push(renderTable(rows));
      continue;
    }
    if (/^\s*[-*+]\s+/.test(line)) {
      const items: string[] = [];
      while (i < lines.length && /^\s*[-*+]\s+/.test(lines[i] as string))
        items.push((lines[i++] as string).replace(/^\s*[-*+]\s+/, ''));
      out.push(`<ul>${items.map((item) => `<li>${inlineMarkdown(item)}</li>`).join('')}</ul>`);
      continue;
    }
    const paragraph: string[] = [];
    while (
      i < lines.length &&
      (lines[i] as string).trim() !== '' &&
      !/^(#{1,6}\s|\s*[-*+]\s|\s*\||\s*```|\s*~~~)/.test(lines[i] as string)
    )
      paragraph.push((lines[i++] as string).trim());
    if (paragraph.length === 0) paragraph.push((lines[i++] as string).trim());
    out.push(`<p>${inlineMarkdown(paragraph.join(' '))}</p>`);
  }
  return out.join('\n');
}
