import { ellipsize } from '../text.js';
import { markdownText } from './escape.js';

const MAX_CODE_CHARS = 40;

/**
 * Plain text as a table cell: it cannot end its row or the table, nor open
 * HTML, a link, a mention or emphasis (markdownText, whose `|` escape a GFM
 * table needs too).
 */
export function markdownCell(text: string): string {
  return markdownText(text);
}

/**
 * Data as an inline code span for a table cell: no emphasis, links, HTML or
 * @-mentions can come out of it. `|` needs its backslash even inside code in
 * a GFM table; control characters become spaces; long values are cut.
 */
export function markdownCode(value: string, maxChars = MAX_CODE_CHARS): string {
  if (value === '') return '*(empty)*';
  const text = ellipsize(value.replace(/\p{Cc}/gu, ' '), maxChars);
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replaceAll('|', '\\|')}${pad}${fence}`;
}
