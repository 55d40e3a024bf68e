import { escapeHtml, markdownCode, markdownLine, markdownText } from '@modelgate/core';
import type { Block, Cell, Inline, ReportContent, ReportSection, ReportTable } from './content.js';
import { chartLegend, mermaidChart } from './mermaid.js';

/** GitHub refuses issue and pull-request comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What report.md may take (in UTF-8 bytes, which is never fewer than characters): room is left for a wrapper. */
export const MARKDOWN_BUDGET = 60_000;

const FULL_REPORT = 'report.html and evaluation.json';
const CODE_CHARS = 80;

function inline(part: Inline): string {
  if (typeof part === 'string') return markdownText(part);
  if ('code' in part) return markdownCode(part.code, CODE_CHARS);
  return `**${markdownText(part.strong)}**`;
}

function cell(content: Cell): string {
  return typeof content === 'string' || !Array.isArray(content)
    ? inline(content as Inline)
    : (content as readonly Inline[]).map(inline).join('');
}

const ALIGN = { left: ':---', right: '---:' } as const;

/** Rows up to the table's limit times `scale`; a note says how many more the full report has. */
function table(t: ReportTable, scale: number): string {
  const shown = Math.min(t.rows.length, Math.floor(t.limit * scale));
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const lines =
    shown === 0
      ? []
      : [
          row(t.columns.map((c) => markdownText(c.header))),
          `|${t.columns.map((c) => (c.align ? ALIGN[c.align] : '---')).join('|')}|`,
          ...t.rows.slice(0, shown).map((cells) => row(t.columns.map((_, i) => cell(cells[i] ?? '')))),
        ];
  const left = t.rows.length - shown;
  if (left > 0) lines.push('', `*… ${left} more row${left === 1 ? '' : 's'} in ${FULL_REPORT}.*`);
  return lines.join('\n');
}

function block(b: Block, scale: number): string {
  switch (b.kind) {
    case 'paragraph':
      return markdownLine(b.content.map(inline).join(''));
    case 'list':
      return b.items.map((item) => `- ${markdownLine(item.map(inline).join(''))}`).join('\n');
    case 'table':
      return table(b.table, scale);
    case 'chart':
      return `${mermaidChart(b.chart)}\n\n<sub>${escapeHtml(chartLegend(b.chart))}</sub>`;
  }
}

function section(s: ReportSection, scale: number): string {
  const body = s.blocks.map((b) => block(b, scale)).join('\n\n');
  if (s.collapsed) return `<details><summary>${escapeHtml(s.title)}</summary>\n\n${body}\n\n</details>`;
  return s.title ? `### ${markdownText(s.title)}\n\n${body}` : body;
}

function head(content: ReportContent): string {
  return `## ${content.pass ? '✅' : '❌'} ${markdownText(content.title)}\n\n${markdownLine(content.summary.map(inline).join(''))}`;
}

const FOOTER = `<sub>modelgate evaluate · the full report: ${FULL_REPORT}</sub>`;

function render(
  content: ReportContent,
  sections: readonly ReportSection[],
  scale: number,
  note = '',
): string {
  return [head(content), ...sections.map((s) => section(s, scale)), ...(note ? [note] : []), FOOTER].join(
    '\n\n',
  );
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * GitHub-flavoured Markdown for a PR comment, under `budget` bytes whatever
 * the number of slices or classes: tables are cut to fewer rows first (each
 * saying how many more the full report has), then folded sections are left
 * out from the end, and as a last resort the text is cut at a line.
 */
export function renderMarkdown(content: ReportContent, budget = MARKDOWN_BUDGET): string {
  for (const scale of [1, 0.5, 0.25, 0.1, 0]) {
    const text = render(content, content.sections, scale);
    if (bytes(text) <= budget) return `${text}\n`;
  }
  const sections = [...content.sections];
  while (sections.length > 1) {
    sections.pop();
    const left = content.sections.length - sections.length;
    const note = `*${left} more section${left === 1 ? '' : 's'} left out to stay under GitHub's comment limit: see ${FULL_REPORT}.*`;
    const text = render(content, sections, 0, note);
    if (bytes(text) <= budget) return `${text}\n`;
  }
  const note = `\n\n*Cut to stay under GitHub's comment limit: see ${FULL_REPORT}.*\n`;
  const text = render(content, sections, 0);
  let end = Math.min(text.length, budget - bytes(note));
  while (end > 0 && bytes(text.slice(0, end)) + bytes(note) > budget) end = Math.floor(end * 0.9);
  const line = text.lastIndexOf('\n', end);
  return `${text.slice(0, line > 0 ? line : end)}${note}`;
}
