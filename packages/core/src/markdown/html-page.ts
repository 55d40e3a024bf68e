import { escapeHtml } from './escape.js';

export interface HtmlPage {
  /** The Content-Security-Policy, a constant of the caller's: written as it is. */
  csp: string;
  title: string;
  /** More lines of the head, after the title: links, styles, scripts. */
  head: readonly string[];
  body: string;
}

/** A standalone UTF-8 HTML page locked by a Content-Security-Policy, the one head every page the toolkit writes starts with. */
export function htmlPage(page: HtmlPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${page.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
${page.head.join('\n')}
</head>
<body>
${page.body}
</body>
</html>
`;
}
