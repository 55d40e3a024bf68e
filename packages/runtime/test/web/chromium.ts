import type { Browser } from 'playwright-core';

/** Debian's chromium, which CI installs; playwright-core drives it (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium with nothing that reaches the network by itself. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
