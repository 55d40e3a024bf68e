import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MonitorReport } from '@modelgate/monitor';
import { listModels, listVersions, modelHistory, openRepo } from '@modelgate/registry';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import { launchChromium } from '../../runtime/test/web/chromium.js';
import { type StaticServer, serveStatic } from '../../runtime/test/web/static-server.js';
import { buildSite, type SiteResult } from '../src/index.js';
import { foreignRequests, recordingContext, seriousViolations } from './browser.js';
import { makeToolkitRegistry, type ToolkitRegistry } from './toolkit-registry.js';

const sandbox = useGitSandbox('site-browser');
const REPOSITORY = 'https://github.com/acme/models';

let fx: ToolkitRegistry;
let out: string;
let result: SiteResult;
let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  fx = await makeToolkitRegistry(await sandbox.repo());
  out = sandbox.tmp.path('site');
  result = await buildSite({
    registryDir: fx.registry,
    out,
    monitor: [fx.monitoring],
    repository: { url: REPOSITORY },
  });
  browser = await launchChromium();
  server = await serveStatic(out);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function evaluationMetrics(name: string, version: string): Promise<Record<string, unknown>> {
  const file = join(fx.registry, name, 'versions', version, 'evaluation.json');
  return (JSON.parse(await readFile(file, 'utf8')) as { metrics: Record<string, unknown> }).metrics;
}

/** The text of each cell of the table row whose first cell is `first`, by column header. */
async function rowByHeader(page: Page, table: string, first: string): Promise<Record<string, string>> {
  return page.evaluate(
    `(() => {
      const t = document.querySelector(${JSON.stringify(table)});
      const headers = [...t.tHead.rows[0].cells].map((c) => c.textContent.trim());
      const row = [...t.tBodies[0].rows].find((r) => r.cells[0].textContent.trim() === ${JSON.stringify(first)});
      return row ? Object.fromEntries([...row.cells].map((c, i) => [headers[i], c.innerText.trim()])) : {};
    })()`,
  );
}

interface DrawnChart {
  metric: string;
  low: number;
  high: number;
  plot: { left: number; top: number; width: number; height: number };
  points: { version: string; value: number; cy: number }[];
}

/** Every chart inside `scope`, as drawn: its series, axis range, plot box and points. */
function chartsOn(page: Page, scope: string): Promise<DrawnChart[]> {
  return page.evaluate(
    `[...document.querySelectorAll(${JSON.stringify(`${scope} figure.chart`)})].map((f) => {
      const svg = f.querySelector('svg');
      const [left, top, width, height] = svg.dataset.plot.split(' ').map(Number);
      return {
        metric: f.dataset.series,
        low: Number(svg.dataset.yLow),
        high: Number(svg.dataset.yHigh),
        plot: { left, top, width, height },
        points: [...svg.querySelectorAll('circle.point')].map((c) => ({
          version: c.dataset.x,
          value: Number(c.dataset.value),
          cy: Number(c.getAttribute('cy')),
        })),
      };
    })`,
  );
}

describe('the site of a registry the toolkit made', () => {
  it('is built without problems: every model, version and monitored model has a page', async () => {
    expect(result.problems).toEqual([]);
    expect(result.models).toBe(2);
    expect(result.versions).toBe(4);
    // 4 version pages, 2 model pages, 2 monitoring pages, the catalogue.
    expect(result.pages).toBe(9);
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
    expect(index.format).toBe('modelgate.site/1');
    expect(index.models.map((m: { name: string }) => m.name)).toEqual(['flights-delay', 'penguins-species']);
  });

  for (const transport of ['file://', 'HTTP'] as const) {
    it(`shows every model, stage and version, and its links lead there (${transport})`, async () => {
      const root = transport === 'HTTP' ? `${server.url}/` : `${pathToFileURL(out).href}/`;
      const { context, log } = await recordingContext(browser);
      const page = await context.newPage();
      await page.goto(`${root}index.html`);
      const { models, settings } = await listModels(fx.registry);
      expect(models.length).toBeGreaterThan(0);
      for (const model of models) {
        const row = await rowByHeader(page, '#models', model.name);
        for (const stage of settings.stages) {
          const served = model.stages[stage];
          if (served) expect(row[stage], `${model.name} ${stage}`).toMatch(new RegExp(`^${served}\\b`));
          else expect(row[stage], `${model.name} ${stage}`).toBe('—');
        }
        expect(row.versions).toBe(String(model.versions));

        await page.getByRole('link', { name: model.name, exact: true }).click();
        await expect.poll(() => page.locator('h1').textContent()).toBe(model.name);
        expect(page.url()).toBe(`${root}models/${model.name}/index.html`);
        for (const stage of settings.stages) {
          const stageRow = await rowByHeader(page, '#stages table', stage);
          expect(stageRow.version).toBe(model.stages[stage] ?? 'none');
        }
        const { versions } = await listVersions(fx.registry, model.name);
        for (const v of versions) {
          const versionRow = await rowByHeader(page, '#versions table', v.version);
          const status = versionRow.status?.split(/\s+/).filter((s) => s !== '' && s !== 'incomplete');
          expect(status).toEqual([...v.stages, ...(v.archived ? ['archived'] : [])]);
          await page.locator('#versions table').getByRole('link', { name: v.version, exact: true }).click();
          await expect.poll(() => page.locator('h1').textContent()).toBe(`${model.name} ${v.version}`);
          const sha = await page
            .locator('#lineage dd code')
            .filter({ hasText: v.metadata.model.sha256 })
            .count();
          expect(sha).toBe(1);
          await page
            .getByRole('navigation', { name: 'Breadcrumb' })
            .getByRole('link', { name: model.name })
            .click();
        }
        await page
          .getByRole('navigation', { name: 'Breadcrumb' })
          .getByRole('link', { name: 'Models' })
          .click();
        await expect.poll(() => page.locator('h1').textContent()).toBe('Model registry');
      }
      expect(foreignRequests(log, transport === 'HTTP' ? server.url : 'file://')).toEqual([]);
      expect(log.errors).toEqual([]);
      await context.close();
    });
  }

  it("draws each version's evaluation.json values as the chart's points, where they are drawn", async () => {
    const { context, log } = await recordingContext(browser);
    const page = await context.newPage();
    const { models } = await listModels(fx.registry);
    for (const model of models) {
      await page.goto(`${server.url}/models/${model.name}/index.html`);
      const charts = await chartsOn(page, '#metrics');
      expect(charts.length, model.name).toBeGreaterThan(0);
      const { versions } = await listVersions(fx.registry, model.name);
      for (const chart of charts) {
        const expected = [];
        for (const v of versions) {
          const value = (await evaluationMetrics(model.name, v.version))[chart.metric];
          if (typeof value === 'number') expected.push({ version: v.version, value });
        }
        expect(expected.length, chart.metric).toBe(versions.length);
        expect(chart.points.map(({ version, value }) => ({ version, value }))).toEqual(expected);
        for (const p of chart.points) {
          const y =
            chart.plot.top + chart.plot.height * (1 - (p.value - chart.low) / (chart.high - chart.low));
          expect(p.cy).toBeCloseTo(y, 1);
        }
      }
    }
    expect(log.errors).toEqual([]);
    await context.close();
  });

  it('lists every event of the history on the timeline, with links to the commits', async () => {
    const { context } = await recordingContext(browser);
    const page = await context.newPage();
    const repo = await openRepo(fx.registry);
    for (const name of ['flights-delay', 'penguins-species']) {
      await page.goto(`${server.url}/models/${name}/index.html`);
      const events = await modelHistory(repo, name);
      const items = await page.locator('#timeline li').allInnerTexts();
      expect(items).toHaveLength(events.length);
      for (const [i, e] of events.entries()) {
        const link = page
          .locator('#timeline li')
          .nth(i)
          .locator(`a[href="${REPOSITORY}/commit/${e.commit}"]`);
        expect(await link.count()).toBe(1);
      }
    }
    await page.goto(`${server.url}/models/flights-delay/index.html`);
    expect(await page.locator('#timeline').textContent()).toContain('production rolled back to v1 (was v2)');
    await page.goto(`${server.url}/models/penguins-species/index.html`);
    expect(await page.locator('#timeline').textContent()).toContain('v2 archived');
    await context.close();
  });

  it('finds versions by name, stage and status, and keeps the search in the address', async () => {
    const { context, log } = await recordingContext(browser);
    const page = await context.newPage();
    await page.goto(`${pathToFileURL(out).href}/index.html`);
    await page.getByLabel('Search models and versions').fill('flights v2');
    await expect
      .poll(() => page.locator('#version-list li').allInnerTexts())
      .toEqual([
        expect.stringMatching(/^flights-delay v2 \d{4}-\d\d-\d\d · staging · gate: pass · roc_auc 0\.\d+$/),
      ]);
    expect(await page.locator('#models tbody tr:not([hidden])').count()).toBe(1);
    expect(page.url()).toMatch(/#q=flights\+v2$/);
    await page.getByLabel('Search models and versions').fill('');
    await page.getByLabel('Stage').selectOption('archived');
    await expect
      .poll(() => page.locator('#version-list li a').allInnerTexts())
      .toEqual(['penguins-species v2']);
    await page.locator('#version-list li a').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('penguins-species v2');
    // A permalink opens with the search done.
    await page.goto(`${server.url}/index.html#q=production`);
    await expect.poll(() => page.locator('#version-list li a').allInnerTexts()).toEqual(['flights-delay v1']);
    const ready = await page.evaluate(`performance.getEntriesByName('modelgate:catalogue-ready').length`);
    expect(ready).toBe(1);
    expect(log.errors).toEqual([]);
    await context.close();
  });

  it('draws drift over time and performance per chunk from the monitor.json files', async () => {
    const { context, log } = await recordingContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/index.html`);
    const row = await rowByHeader(page, '#models', 'flights-delay');
    expect(row.monitoring).toMatch(/^performance drop\n\d{4}-\d\d-\d\d$/);
    await page.getByRole('link', { name: /^flights-delay monitoring / }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('flights-delay monitoring');
    expect(await page.locator('#runs tbody tr').count()).toBe(2);
    const labelled = JSON.parse(
      await readFile(join(fx.monitoring, 'flights-labels', 'monitor.json'), 'utf8'),
    ) as MonitorReport;
    const performance = labelled.performance;
    if (!performance) throw new Error('the labelled run has no performance');
    for (const metric of performance.metrics) {
      const chart = (await chartsOn(page, '#performance')).find((c) => c.metric === metric);
      const points = chart?.points.map((p) => p.value);
      const realized = performance.chunks.map((c) => c.realized[metric]).filter((v) => typeof v === 'number');
      expect(points, metric).toEqual(realized);
    }
    const columns = await page.locator('#drift table tbody tr td:first-child').allInnerTexts();
    expect(columns.sort()).toEqual(labelled.columns.map((c) => c.column).sort());
    expect(log.errors).toEqual([]);
    await context.close();
  });

  it('has no serious accessibility violations, light or dark, on a desktop or a phone', async () => {
    const pages = [
      'index.html',
      'models/flights-delay/index.html',
      'models/flights-delay/v2.html',
      'models/flights-delay/monitoring.html',
      'models/penguins-species/v2.html',
    ];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const viewport of [
        { width: 1280, height: 900 },
        { width: 390, height: 844 },
      ]) {
        const { context, log } = await recordingContext(browser, { colorScheme, viewport });
        const page = await context.newPage();
        for (const path of pages) {
          await page.goto(`${server.url}/${path}`);
          expect(await seriousViolations(page), `${path} ${colorScheme} ${viewport.width}px`).toEqual([]);
        }
        expect(log.errors).toEqual([]);
        await context.close();
      }
    }
  });

  it('can be used with the keyboard alone: skip link, search box, links in order', async () => {
    const { context } = await recordingContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/index.html`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(page.url()).toMatch(/#main$/);
    await page.getByLabel('Search models and versions').focus();
    await page.keyboard.type('penguins');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('stage');
    await context.close();
  });
});
