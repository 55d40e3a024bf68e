import { escapeHtml } from '@modelgate/core';
import { formatMetric } from '@modelgate/registry';

/** Text for element content and quoted attributes: every name, metric and card line passes through it. */
export const esc = escapeHtml;

export function link(href: string, text: string, attributes = ''): string {
  return `<a href="${esc(href)}"${attributes}>${esc(text)}</a>`;
}

/** A link only for an https URL (a CI run, a commit); anything else stays text. */
export function externalLink(url: string | null | undefined, text: string): string {
  return url && /^https:\/\/[^\s"'<>]+$/.test(url) ? link(url, text) : esc(text);
}

/** `2024-05-01 12:30 UTC` inside a <time>; text that is not a date is shown as it is. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return esc(iso);
  const text = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<time datetime="${esc(date.toISOString())}">${text}</time>`;
}

export function day(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? esc(iso) : date.toISOString().slice(0, 10);
}

export function metric(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : esc(formatMetric(value));
}

export function code(text: string): string {
  return `<code>${esc(text)}</code>`;
}

export interface Column {
  header: string;
  numeric?: boolean;
}

/**
 * A table whose cells are HTML already (built with esc/link/code), in a region that scrolls sideways
 * on a narrow screen and can be reached by keyboard.
 */
export function table(
  label: string,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  const cls = (c: Column | undefined) => (c?.numeric ? ' class="num"' : '');
  const head = columns.map((c) => `<th scope="col"${cls(c)}>${esc(c.header)}</th>`).join('');
  const body = rows
    .map((cells) => `<tr>${cells.map((cell, i) => `<td${cls(columns[i])}>${cell}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="scroll" role="region" aria-label="${esc(label)}" tabindex="0"><table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

/** Key-value rows (a definition list reads well on a phone). */
export function facts(entries: readonly (readonly [string, string])[]): string {
  return `<dl class="facts">${entries.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

export function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-title"><h2 id="${id}-title">${esc(title)}</h2>\n${body}\n</section>`;
}

/** A notice of what a page cannot show, and why. */
export function missingNotice(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  return `<div class="notice" role="note"><p><strong>Missing or unreadable:</strong></p><ul>${lines
    .map((l) => `<li>${esc(l)}</li>`)
    .join('')}</ul></div>`;
}
