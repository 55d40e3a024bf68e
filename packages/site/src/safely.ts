import { errorMessage } from '@modelgate/core';
import { SITE_PATHS } from './paths.js';
import type { Problems } from './problems.js';
import { esc } from './render/html.js';
import { renderPage, type SiteContext } from './render/layout.js';

/** A page that failed to render is replaced by one saying so, and listed as a problem. */
export function safely(
  path: string,
  title: string,
  source: string,
  render: () => string,
  problems: Problems,
  site: SiteContext,
): string {
  try {
    return render();
  } catch (err) {
    const line = problems.add('error', source, `cannot render ${path}: ${errorMessage(err).split('\n')[0]}`);
    return renderPage(
      {
        path,
        title,
        crumbs: [{ text: 'Models', href: SITE_PATHS.catalogue }, { text: title }],
        main: `<h1>${esc(title)}</h1>\n<p class="notice">${esc(line)}</p>`,
      },
      site,
    );
  }
}
