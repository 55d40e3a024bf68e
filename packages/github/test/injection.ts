/** Hostile text a model name, branch, PR title or data value might carry. */
export const INJECTION_CORPUS = [
  '@octo-org/admins please look',
  '@everyone',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click me](javascript:alert(1))',
  '](javascript:alert(1))',
  '<!-- modelgate:evaluation model=other -->',
  '--> <!--',
  '`code` ``` fence',
  '| pipe | table |',
  '**bold** _em_ ~~strike~~',
  '# heading',
  'line\nbreak\r\n> quote',
  'https://evil.example/x www.evil.example',
  '&lt;entity&gt; &#64;mention',
  'x'.repeat(70_000),
];

/**
 * Whether rendered Markdown could show `text` as anything but text: a raw tag,
 * a mention or a link made from it. Checked on the body outside code spans.
 */
export function renderedProblems(body: string): string[] {
  const outsideCode = body.replace(/(`+)[^`]*?\1/g, '');
  const problems: string[] = [];
  if (/<script|<img/i.test(outsideCode)) problems.push('raw HTML');
  if (/(^|[^\w\u200d])@(octo-org|everyone)\b/.test(outsideCode)) problems.push('a mention');
  // A link needs an unescaped `[` closed by `](`: `\[x\](javascript:…)` renders as text.
  if (/(^|[^\\])\[(?:[^\]]*[^\\\]])?\]\(javascript:/im.test(outsideCode)) problems.push('a javascript: link');
  if (body.length >= 65_536) problems.push(`${body.length} characters`);
  return problems;
}
