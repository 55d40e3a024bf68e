import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** What a page did while it was open: anything here but local requests fails a test. */
export interface PageLog {
  requests: string[];
  errors: string[];
  dialogs: string[];
}

/** A browser context that records every request, console error, page error and dialog of its pages. */
export async function recordingContext(
  browser: Browser,
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; log: PageLog }> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  const log: PageLog = { requests: [], errors: [], dialogs: [] };
  context.on('request', (request) => log.requests.push(request.url()));
  context.on('page', (page) => watch(page, log));
  return { context, log };
}

function watch(page: Page, log: PageLog): void {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      log.errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => log.errors.push(`${page.url()}: ${error.message}`));
  page.on('dialog', (dialog) => {
    log.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
}

/** Requests to anywhere but the site itself (file:// pages, or the local server). */
export function foreignRequests(log: PageLog, origin: string): string[] {
  return log.requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'));
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's WCAG 2.1 A/AA scan of the page as it is; violations rated serious or critical. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const options = {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations'],
  };
  // A string: the function runs in the page, where axe is a global.
  const violations = (await page.evaluate(
    `axe.run(document, ${JSON.stringify(options)}).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    })))`,
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
