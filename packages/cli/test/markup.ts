/**
 * A line's text outside code spans, read as CommonMark does: a run of n
 * backticks opens a span that the next run of exactly n closes; an escaped
 * backtick opens nothing. (github/test/injection.ts's regex pairs the runs of
 * a span holding backticks, such as markdownCode('`a` ``` b'), wrongly.)
 */
function outsideCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === '\\') {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c !== '`') {
      out += c;
      i++;
      continue;
    }
    const open = /^`+/.exec(line.slice(i))?.[0].length ?? 1;
    const closing = new RegExp(`(?<!\`)\`{${open}}(?!\`)`, 'g');
    closing.lastIndex = i + open;
    const close = closing.exec(line);
    if (close) i = close.index + open;
    else {
      out += '`'.repeat(open);
      i += open;
    }
  }
  return out;
}

/**
 * What in rendered Markdown could come from data as anything but text: a raw
 * tag, a mention, a javascript: link or a bare link, outside code spans and
 * fenced blocks (mermaid charts, whose text mermaidText keeps to a plain set).
 */
export function markupProblems(body: string): string[] {
  const problems = new Set<string>();
  let fenced = false;
  for (const line of body.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced || line.startsWith('```')) continue;
    const text = outsideCodeSpans(line);
    if (/<script|<img|<!--/i.test(text)) problems.add(`raw HTML: ${line.slice(0, 120)}`);
    if (/(^|[^\w\u200d])@(octo-org|everyone)\b/.test(text)) problems.add(`a mention: ${line.slice(0, 120)}`);
    if (/(^|[^\\])\[(?:[^\]]*[^\\\]])?\]\(javascript:/i.test(text)) {
      problems.add(`a javascript: link: ${line.slice(0, 120)}`);
    }
    if (/:\/\/evil|www\.evil/.test(text)) problems.add(`a bare link: ${line.slice(0, 120)}`);
  }
  if (body.length >= 65_536) problems.add(`${body.length} characters`);
  return [...problems];
}
