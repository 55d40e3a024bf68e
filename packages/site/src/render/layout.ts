import { htmlPage } from '@modelgate/core';
import { linkTo, SITE_PATHS } from '../paths.js';
import { esc, time } from './html.js';

/**
 * Nothing is fetched from anywhere but the site itself: no inline script or style, no other host.
 * A page that tried would log a violation (and the tests fail on it).
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

export interface Crumb {
  text: string;
  /** A site path; the last crumb (this page) has none. */
  href?: string;
}

export interface PageOptions {
  /** This page's site path. */
  path: string;
  title: string;
  crumbs: readonly Crumb[];
  main: string;
  scripts?: readonly string[];
}

export interface SiteContext {
  generatedAt: string;
  /** From --base-url: the site's canonical address prefix. */
  baseUrl: string;
}

function breadcrumbs(path: string, crumbs: readonly Crumb[]): string {
  const items = crumbs.map((c, i) =>
    c.href && i < crumbs.length - 1
      ? `<li><a href="${esc(linkTo(path, c.href))}">${esc(c.text)}</a></li>`
      : `<li><span aria-current="page">${esc(c.text)}</span></li>`,
  );
  return `<nav aria-label="Breadcrumb"><ol class="crumbs">${items.join('')}</ol></nav>`;
}

export function renderPage(options: PageOptions, site: SiteContext): string {
  const { path } = options;
  const head = [
    '<meta name="color-scheme" content="light dark">',
    '<link rel="icon" href="data:,">',
    `<link rel="stylesheet" href="${esc(linkTo(path, SITE_PATHS.style))}">`,
    ...(/^https?:/.test(site.baseUrl) ? [`<link rel="canonical" href="${esc(site.baseUrl + path)}">`] : []),
    ...(options.scripts ?? []).map((s) => `<script src="${esc(linkTo(path, s))}" defer></script>`),
  ];
  return htmlPage({
    csp: CSP,
    title: options.title,
    head,
    body: `<a class="skip" href="#main">Skip to content</a>
<header class="top">
<p class="brand"><a href="${esc(linkTo(path, SITE_PATHS.catalogue))}">Model registry</a></p>
${breadcrumbs(path, options.crumbs)}
</header>
<main id="main" tabindex="-1">
${options.main}
</main>
<footer class="bottom"><p>Built by <code>modelgate site</code> on ${time(site.generatedAt)} from the registry in git. <a href="${esc(linkTo(path, SITE_PATHS.index))}">index.json</a></p></footer>`,
  });
}
