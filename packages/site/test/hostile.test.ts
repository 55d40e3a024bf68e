// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the GitHub expression a stage name must not become.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archive } from '@modelgate/registry';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_NAMES } from '../../cli/test/hostile-names.js';
import { git, useGitSandbox } from '../../registry/test/git-fixture.js';
import { launchChromium } from '../../runtime/test/web/chromium.js';
import { type StaticServer, serveStatic } from '../../runtime/test/web/static-server.js';
import { buildSite } from '../src/index.js';
import { foreignRequests, recordingContext } from './browser.js';
import { monitorReport, promoteFixture, registerFixture, writeJson } from './small-registry.js';

const sandbox = useGitSandbox('site-hostile');
const NAMES = HOSTILE_NAMES.filter((n) => n !== '');
const MARKUP = '<img src=x onerror=alert(1)>';
const CARD = `# A card someone edited

<script>alert(1)</script> ${MARKUP}
[click](javascript:alert(1)) ![img](x" onerror="alert(1))
**<b>bold</b>** \`<code>\` &lt;kept&gt; &#60;also&#62;

| <th>${'|'} | x |
|---|---|
| ${MARKUP} | \`${MARKUP}\` |
`;

let out: string;
let browser: Browser;
let server: StaticServer;

/**
 * The hostile names of the hardening corpus wherever a registry can hold text: metric, parameter, class,
 * tensor and stage names, the card, an archive reason, monitored column names and headlines.
 */
beforeAll(async () => {
  const repo = await sandbox.repo();
  const registry = join(repo, 'registry');
  const named = (value: (n: string) => unknown) => Object.fromEntries(NAMES.map((n) => [n, value(n)]));
  await registerFixture(sandbox, registry, 'hostile', 'h1', {
    'evaluation.json': { metrics: named(() => 0.5), verdict: 'pass', gate: { summary: MARKUP, rules: [] } },
    'metadata.json': {
      classes: NAMES,
      params: named((n) => n),
      trainer: MARKUP,
      data: named(() => ({ sha256: MARKUP })),
    },
  });
  await registerFixture(sandbox, registry, 'hostile', 'h2', {
    'evaluation.json': { metrics: named(() => 0.75) },
    'signature.json': {
      inputs: NAMES.map((name) => ({ name, type: 'float32', shape: [-1, 1] })),
      outputs: [{ name: MARKUP, type: 'float32', shape: [-1] }],
    },
  });
  await promoteFixture(registry, 'hostile', 'v1', 'staging');
  await archive({ registryDir: registry, name: 'hostile', version: 'v2', reason: MARKUP });
  // Hand edits the registry's schemas let through: any stage key, any card text.
  await writeFile(
    join(registry, 'hostile', 'stages.yaml'),
    `staging: v1\n${JSON.stringify(MARKUP)}: v1\n${JSON.stringify('${{ secrets.GITHUB_TOKEN }}')}: v1\n`,
  );
  await writeFile(join(registry, 'hostile', 'versions', 'v1', 'card.md'), CARD);
  await git(repo, 'add', '-A');
  await git(repo, '-c', 'user.name=test', '-c', 'user.email=t@example.com', 'commit', '-qm', MARKUP);
  const monitoring = join(repo, 'monitoring');
  await writeJson(
    join(monitoring, 'run', 'monitor.json'),
    monitorReport('hostile', 'v1', {
      verdict: {
        alert: true,
        headline: MARKUP,
        alerts: [{ kind: 'dataset_drift', message: MARKUP, chunk: null }],
      },
      columns: NAMES.map((column) => ({
        column,
        status: 'drift',
        statistic: 0.5,
        method: MARKUP,
        drifted: true,
      })),
      chunks: [{ index: 0, label: MARKUP, start: null, end: null, rows: 5, tooSmall: false }],
      series: [
        {
          name: MARKUP,
          kind: 'drift_share',
          column: null,
          method: null,
          direction: 'up',
          values: [1],
          band: null,
          anomalies: [],
        },
      ],
    }),
  );
  out = sandbox.tmp.path('site');
  await buildSite({ registryDir: registry, out, monitor: [monitoring], repository: null });
  browser = await launchChromium();
  server = await serveStatic(out);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function pages(): Promise<string[]> {
  const models = await readdir(join(out, 'models', 'hostile'));
  return ['index.html', ...models.map((f) => `models/hostile/${f}`)];
}

describe('hostile names in a registry', () => {
  it('render as text on every page: no element, attribute, script or link comes out of them', async () => {
    const { context, log } = await recordingContext(browser);
    const page = await context.newPage();
    const visited = await pages();
    expect(visited).toEqual(
      expect.arrayContaining([
        'models/hostile/index.html',
        'models/hostile/v1.html',
        'models/hostile/monitoring.html',
      ]),
    );
    for (const path of visited) {
      await page.goto(`${server.url}/${path}`);
      const found = await page.evaluate(`({
        injected: document.querySelectorAll('img, iframe, object, embed, b, th th, main script').length,
        scripts: [...document.scripts].map((s) => s.getAttribute('src')),
        handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name)),
        hrefs: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')).filter((h) => !/^(#|[a-z0-9._/-]+\\.(html|json)(#.*)?$)/i.test(h)),
        text: document.body.innerText,
      })`);
      const { injected, scripts, handlers, hrefs, text } = found as {
        injected: number;
        scripts: (string | null)[];
        handlers: string[];
        hrefs: string[];
        text: string;
      };
      expect({ path, injected, handlers, hrefs }).toEqual({ path, injected: 0, handlers: [], hrefs: [] });
      expect(scripts.every((s) => s === 'assets/catalogue-data.js' || s === 'assets/catalogue.js')).toBe(
        true,
      );
      if (path !== 'index.html') expect(text, path).toContain(MARKUP);
    }
    const card = await (async () => {
      await page.goto(`${server.url}/models/hostile/v1.html`);
      return (await page.locator('#card').textContent()) ?? '';
    })();
    for (const literal of [
      '<script>alert(1)</script>',
      '[click](javascript:alert(1))',
      '<b>bold</b>',
      '<kept>',
      '<also>',
    ])
      expect(card).toContain(literal);
    expect(log.dialogs).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(foreignRequests(log, server.url)).toEqual([]);
    await context.close();
  });

  it('keep the search inert: matching versions are listed as text', async () => {
    const { context, log } = await recordingContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/index.html#q=${encodeURIComponent('hostile archived')}`);
    await expect
      .poll(() => page.locator('#version-list li').allInnerTexts())
      .toEqual([expect.stringMatching(/^hostile v2 /)]);
    await page.getByLabel('Search models and versions').fill('');
    await page.getByLabel('Stage').selectOption('staging');
    await expect.poll(() => page.locator('#version-list li a').allInnerTexts()).toEqual(['hostile v1']);
    await page.getByLabel('Search models and versions').fill(MARKUP);
    expect(await page.locator('#models img').count()).toBe(0);
    expect(log.dialogs).toEqual([]);
    expect(log.errors).toEqual([]);
    await context.close();
  });
});
