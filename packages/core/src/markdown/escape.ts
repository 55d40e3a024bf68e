const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML element content and quoted attributes. One pass, and none for text with nothing to escape. */
export function escapeHtml(text: string): string {
  return HTML_SPECIAL.test(text) ? text.replace(HTML_SPECIALS, (c) => HTML_ENTITIES[c] ?? c) : text;
}

const ZERO_WIDTH_SPACE = '&#8203;';

const WORD = /[\p{L}\p{N}]/u;

/** `_` between letters or digits (`row_count`) cannot open or close emphasis in GFM; elsewhere it is escaped. */
function escapeUnderscores(run: string, offset: number, text: string): string {
  const before = text[offset - 1] ?? '';
  const after = text[offset + run.length] ?? '';
  return WORD.test(before) && WORD.test(after) ? run : run.replaceAll('_', '\\_');
}

/**
 * Free text (a reason naming a slice, a warning quoting a category) as inline
 * Markdown that renders as itself: inline syntax (emphasis, code, links,
 * tables, strikethrough) is backslash-escaped, `<` and `&` cannot open HTML
 * or entities, and a zero width space after `@` and in `://` / `www.` keeps
 * GitHub from mentioning users or linking. Control characters and newlines
 * become spaces. Block markers are markdownLine's concern.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/[\\`*[\]|~]/g, '\\$&')
    .replace(/_+/g, escapeUnderscores)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('@', `@${ZERO_WIDTH_SPACE}`)
    .replaceAll('://', `:${ZERO_WIDTH_SPACE}//`)
    .replace(/www\./gi, (m) => `${m.slice(0, 3)}${ZERO_WIDTH_SPACE}.`);
}

/** A rendered line that starts a paragraph or list item: a leading #, >, +, -, = or "1." stays text. */
export function markdownLine(rendered: string): string {
  return rendered.replace(/^([#>+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}
