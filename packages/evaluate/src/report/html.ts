import { escapeHtml, htmlPage } from '@modelgate/core';
import type { Block, Cell, Inline, ReportContent, ReportSection, ReportTable } from './content.js';
import { svgChart } from './svg.js';

const STYLE = `
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2937; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
h1.pass { color: #166534; } h1.fail { color: #991b1b; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #d1d5db; padding: .25rem .5rem; vertical-align: top; }
th { background: #f3f4f6; text-align: left; } td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
code { background: #f3f4f6; padding: 0 .2rem; border-radius: 3px; font-size: 90%; word-break: break-all; }
details { margin: 1rem 0; } summary { cursor: pointer; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
`;

/** Nothing may be fetched: styles are inline, charts are inline SVG, there is no script. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function inline(part: Inline): string {
  if (typeof part === 'string') return escapeHtml(part);
  if ('code' in part) return `<code>${escapeHtml(part.code)}</code>`;
  return `<strong>${escapeHtml(part.strong)}</strong>`;
}

function cell(content: Cell): string {
  return Array.isArray(content)
    ? (content as readonly Inline[]).map(inline).join('')
    : inline(content as Inline);
}

function table(t: ReportTable): string {
  const align = (i: number) => (t.columns[i]?.align === 'right' ? ' class="right"' : '');
  const head = t.columns.map((c, i) => `<th${align(i)}>${escapeHtml(c.header)}</th>`).join('');
  const rows = t.rows
    .map(
      (cells) =>
        `<tr>${t.columns.map((_, i) => `<td${align(i)}>${cell(cells[i] ?? '')}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function blocks(list: readonly Block[]): string {
  const out: string[] = [];
  let charts: string[] = [];
  const flush = () => {
    if (charts.length > 0) out.push(`<div class="charts">${charts.join('')}</div>`);
    charts = [];
  };
  for (const b of list) {
    if (b.kind === 'chart') {
      charts.push(svgChart(b.chart));
      continue;
    }
    flush();
    if (b.kind === 'paragraph') out.push(`<p>${b.content.map(inline).join('')}</p>`);
    else if (b.kind === 'list')
      out.push(`<ul>${b.items.map((i) => `<li>${i.map(inline).join('')}</li>`).join('')}</ul>`);
    else out.push(table(b.table));
  }
  flush();
  return out.join('\n');
}

function section(s: ReportSection, level: number): string {
  const body = blocks(s.blocks);
  if (s.collapsed) return `<details><summary>${escapeHtml(s.title)}</summary>\n${body}\n</details>`;
  return s.title ? `<section><h${level}>${escapeHtml(s.title)}</h${level}>\n${body}</section>` : body;
}

/** The summary line and the sections, section headings at `level`: report.html's body, or part of another page. */
export function renderReportBody(content: ReportContent, level = 2): string {
  return `<p>${content.summary.map(inline).join('')}</p>
${content.sections.map((s) => section(s, level)).join('\n')}`;
}

/** report.html: the report as one standalone page, every table whole, charts drawn as inline SVG. */
export function renderHtml(content: ReportContent): string {
  const verdict = content.pass ? 'pass' : 'fail';
  return htmlPage({
    csp: CSP,
    title: content.title,
    head: [`<style>${STYLE}</style>`],
    body: `<h1 class="${verdict}">${content.pass ? '✅' : '❌'} ${escapeHtml(content.title)}</h1>
${renderReportBody(content)}
<p><small>modelgate evaluate</small></p>`,
  });
}
