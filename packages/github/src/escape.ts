import { createHash } from 'node:crypto';
import { markdownCode } from '@modelgate/core';

/** GitHub's limit for comment, issue and pull request bodies, in characters. */
export const MAX_BODY_CHARS = 65_536;

const ZERO_WIDTH_JOINER = '\u200d';

/** A name as an inline code span: nothing inside renders or mentions, nor reads as one of our markers. */
export function codeSpan(value: string, maxChars = 100): string {
  return markdownCode(value.replaceAll('<!--', `<!${ZERO_WIDTH_JOINER}--`), maxChars);
}

/** The HTML our Markdown reports use; any other tag is shown as text. */
const ALLOWED_TAGS =
  /^<\/?(details|summary|sub|sup|small|strong|em|b|i|code|br|p|ul|ol|li|table|thead|tbody|tr|th|td|kbd)(\s[^<>]*)?\/?>/i;

function defangLine(line: string): string {
  return line
    .replace(/<!--\s*modelgate:/g, '<!-- quoted-modelgate:')
    .replace(/<(?!!--)/g, (lt, offset: number) => (ALLOWED_TAGS.test(line.slice(offset)) ? lt : '&lt;'))
    .replace(/(java|vb)(script:)/gi, `$1${ZERO_WIDTH_JOINER}$2`)
    .replace(/@(?=[\w-])/g, `@${ZERO_WIDTH_JOINER}`);
}

/**
 * A Markdown document made elsewhere (report.md, card.md, monitor.md) that
 * escapes its data already. Defence in depth: outside code fences, @-mentions
 * a renderer let through are broken, HTML beyond the report's own tags shows
 * as text, and our markers cannot be spoofed.
 */
export function embedDocument(markdown: string): string {
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return line;
      }
      return fenced ? line : defangLine(line);
    })
    .join('\n');
}

/** A value inside an HTML comment: it cannot end the comment; a very long one is stood for by its digest. */
export function markerValue(value: string): string {
  const encoded = encodeURIComponent(value).replaceAll('-', '%2D').replaceAll('!', '%21');
  return encoded.length <= 200 ? encoded : `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/** Cuts `text` to `max` characters at a line break, saying so. */
export function cutToFit(text: string, max: number, note: string): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - note.length - 8);
  const cut = text.slice(0, room);
  const line = cut.lastIndexOf('\n');
  const kept = line > room / 2 ? cut.slice(0, line) : cut;
  // An open code fence would swallow the note and everything after it.
  const fences = kept.match(/^```/gm)?.length ?? 0;
  return `${kept}${fences % 2 === 1 ? '\n```' : ''}\n\n${note}`;
}
