import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { type ColumnPredictions, predictBatch, quantizeModel, writeWebBundle } from '../src/index.js';
import { BYO_EXPECTED, BYO_MODELS, type ByoName, byoFixture, expectTorchOutputs } from './byo-fixtures.js';
import { CHROMIUM, launchChromium } from './web/chromium.js';
import { linearCsv, linearRegressor } from './web/linear-fixture.js';
import { recordedSpecOf } from './web/model-spec.js';
import { nodePredictions, type Penguins, trainPenguins } from './web/penguin-fixture.js';
import { type StaticServer, serveStatic } from './web/static-server.js';

const linearSpec = recordedSpecOf(linearRegressor());
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`export-browser: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium)`);

interface BrowserPrediction {
  label: string;
  probabilities?: Record<string, number>;
  prediction?: number;
}

/** Imports the bundle's module inside the page and predicts, as a user's own script would. */
function predictInPage(page: Page, rows: Record<string, unknown>[]): Promise<BrowserPrediction[]> {
  // A string, so that vitest does not rewrite the page's import().
  return page.evaluate(
    `import(new URL('modelgate-model.js', location.href).href).then((m) => m.predict(${JSON.stringify(rows)}))`,
  );
}

/** The prediction table's body, one array of cell texts per row. */
async function tableRows(page: Page): Promise<string[][]> {
  const rows = await page.locator('#predictions tbody tr').allInnerTexts();
  return rows.map((row) => row.split('\t'));
}

function expectSamePredictions(
  browser: BrowserPrediction[],
  node: ColumnPredictions,
  classes: readonly string[],
  tolerance: number,
): void {
  expect(browser).toHaveLength(node.label?.length ?? -1);
  let maxDelta = 0;
  browser.forEach((p, i) => {
    expect(p.label).toBe(classes[node.label?.[i] ?? -1]);
    classes.forEach((cls, j) => {
      const expected = node.probabilities?.[i * classes.length + j] ?? Number.NaN;
      maxDelta = Math.max(maxDelta, Math.abs((p.probabilities?.[cls] ?? Number.NaN) - expected));
    });
  });
  expect(maxDelta).toBeLessThanOrEqual(tolerance);
}

describe.skipIf(!haveChromium)('a web bundle in headless Chromium', () => {
  const db = useDatabase();
  const temp = useTempDir('export-browser');
  let penguins: Penguins;
  let server: StaticServer;
  let browser: Browser;
  let linearInt8: Uint8Array;
  const offsite: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    penguins = await trainPenguins(db(), temp.path('train'));
    const { spec } = penguins;
    await writeWebBundle({
      model: penguins.models.gbdt,
      spec,
      out: temp.path('gbdt'),
      label: 'penguins gbdt',
    });
    await writeWebBundle({ model: penguins.models.logistic, spec, out: temp.path('logistic') });
    const fp16 = quantizeModel(penguins.models.logistic, 'fp16');
    expect(fp16.tensors.length).toBeGreaterThan(0);
    await writeWebBundle({ model: fp16.bytes, spec, out: temp.path('logistic-fp16') });
    linearInt8 = quantizeModel(linearRegressor(), 'int8').bytes;
    await writeWebBundle({ model: linearInt8, spec: linearSpec, out: temp.path('linear-int8') });
    for (const name of BYO_MODELS) {
      const fixture = byoFixture(name);
      await writeWebBundle({ model: await readFile(fixture.path), spec: fixture.spec, out: temp.path(name) });
    }
    server = await serveStatic(temp.dir);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const pages = new Map<string, Promise<Page>>();
  /** One page per bundle, shared by the tests: each load compiles onnxruntime's WASM anew. */
  function open(bundle: string): Promise<Page> {
    const page = pages.get(bundle) ?? load(bundle);
    pages.set(bundle, page);
    return page;
  }

  async function load(bundle: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) offsite.push(request.url());
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`${server.url}/${bundle}/index.html`);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }

  it.each(['gbdt', 'logistic'] as const)(
    'predicts the holdout like onnxruntime-node (%s)',
    async (algorithm) => {
      const page = await open(algorithm);
      const inBrowser = await predictInPage(page, penguins.rows);
      const inNode = await nodePredictions(db(), penguins.models[algorithm], penguins.spec, penguins.holdout);
      expectSamePredictions(inBrowser, inNode, penguins.classes, 1e-5);
    },
  );

  it('predicts like onnxruntime-node with an fp16 model, within the quantisation tolerance of the original', async () => {
    const page = await open('logistic-fp16');
    const inBrowser = await predictInPage(page, penguins.rows);
    const quantized = quantizeModel(penguins.models.logistic, 'fp16').bytes;
    expectSamePredictions(
      inBrowser,
      await nodePredictions(db(), quantized, penguins.spec, penguins.holdout),
      penguins.classes,
      1e-5,
    );
    const original = await nodePredictions(db(), penguins.models.logistic, penguins.spec, penguins.holdout);
    expectSamePredictions(inBrowser, original, penguins.classes, 0.01);
  });

  it('predicts a regressor from CSV text values like onnxruntime-node, int8-quantized', async () => {
    const page = await open('linear-int8');
    const [header, ...lines] = linearCsv().trim().split('\n');
    const names = header?.split(',') ?? [];
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, j) => [names[j], v])));
    const inBrowser = (await predictInPage(page, rows)) as unknown as { prediction: number }[];
    const csv = await temp.write('linear.csv', linearCsv());
    const quantized = (await nodePredictions(db(), linearInt8, linearSpec, csv)).prediction ?? [];
    const original = (await nodePredictions(db(), linearRegressor(), linearSpec, csv)).prediction ?? [];
    expect(inBrowser).toHaveLength(rows.length);
    inBrowser.forEach(({ prediction }, i) => {
      const expected = quantized[i] as number;
      // float32 sums in another order: 1e-5 relative to the prediction's size.
      expect(Math.abs(prediction - expected)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected)));
      expect(Math.abs(prediction - (original[i] as number))).toBeLessThan(1);
    });
  });

  it('fills the form and shows the prediction in the table', async () => {
    const page = await open('gbdt');
    const row = penguins.rows.find((r) => Object.values(r).every((v) => v !== null)) as Record<
      string,
      unknown
    >;
    const [expected] = await predictInPage(page, [row]);
    const schema = (await page.evaluate(() => fetch('schema.json').then((r) => r.json()))) as {
      features: { name: string; kind: string; categories?: string[] }[];
    };
    for (const [i, feature] of schema.features.entries()) {
      const value = String(row[feature.name]);
      if (feature.categories) await page.selectOption(`#feature-${i}`, value);
      else await page.fill(`#feature-${i}`, value);
    }
    await page.click('form button[type="submit"]');
    await page.waitForSelector('#predictions tbody tr');
    const cells = await tableRows(page);
    expect(cells).toHaveLength(1);
    expect(cells[0]?.[schema.features.length]).toBe(expected?.label);
    expect(await page.textContent('#status')).toBe('1 prediction.');
  });

  it('scores a dropped CSV file into the table', async () => {
    const page = await open('logistic');
    const csv = await temp.write(
      'three.csv',
      [
        'Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex,Species',
        'Torgersen,39.1,18.7,181,3750,MALE,Adelie',
        'Biscoe,46.5,"13.5",210,4550,FEMALE,Gentoo',
        'Dream,,,,,,',
      ].join('\n'),
    );
    await page.setInputFiles('#csv', csv);
    await page.waitForSelector('#predictions tbody tr:nth-child(3)');
    const labels = (await tableRows(page)).map((cells) => cells[6]);
    const inNode = await nodePredictions(db(), penguins.models.logistic, penguins.spec, csv);
    expect(labels).toEqual(Array.from(inNode.label ?? [], (k) => penguins.classes[k]));
    expect(labels.slice(0, 2)).toEqual(['Adelie', 'Gentoo']);
  });

  /** Each row predicted alone in the page: its prediction, or the message predict() threw. */
  function predictEachInPage(
    page: Page,
    rows: Record<string, unknown>[],
  ): Promise<({ ok: BrowserPrediction } | { error: string })[]> {
    return page.evaluate(
      `import(new URL('modelgate-model.js', location.href).href).then(async (m) => {
        const out = [];
        for (const row of ${JSON.stringify(rows)}) {
          try { out.push({ ok: (await m.predict([row]))[0] }); } catch (err) { out.push({ error: err.message }); }
        }
        return out;
      })`,
    );
  }

  it('reads text in a numeric feature by the rule modelgate predict applies: the same rows refused, the same numbers read', async () => {
    const page = await open('logistic');
    const feature = 'Beak Length (mm)';
    const texts = [
      '39.1',
      ' 39.1 ',
      '+39.1',
      '.391e2',
      '39.',
      '3.91E+1',
      '',
      '  ',
      'nan',
      'NaN',
      'inf',
      '-Infinity',
      'true',
      ' FALSE ',
    ].concat(['abc', '39,1', '1_000', '0x27', '39.1.1', '--39', '1e', 'yes', 'truex', '39.1mm', 'Infinityx']);
    const base = {
      Island: 'Dream',
      'Beak Depth (mm)': 18.7,
      'Flipper Length (mm)': 181,
      'Body Mass (g)': 3750,
      Sex: 'MALE',
    };
    const rows = texts.map((text) => ({ ...base, [feature]: text }));
    const header = Object.keys(rows[0] ?? {});
    const quoted = (v: unknown) => `"${String(v).replaceAll('"', '""')}"`;
    const csv = await temp.write(
      'number-texts.csv',
      `${header.map(quoted).join(',')}\n${rows.map((r) => header.map((h) => quoted(r[h as keyof typeof r])).join(',')).join('\n')}\n`,
    );
    const result = await predictBatch(db(), {
      model: { bytes: penguins.models.logistic, label: 'logistic', spec: penguins.spec },
      input: { path: csv },
      output: temp.path('number-texts.scores.csv'),
      onError: 'reject',
      rejectPath: temp.path('number-texts.rejects.csv'),
      workers: 0,
    });
    const rejected = new Map(result.firstRejects.map((r) => [r.row, r.reason]));
    const scored = (await readFile(temp.path('number-texts.scores.csv'), 'utf8')).trim().split('\n').slice(1);
    const inBrowser = await predictEachInPage(page, rows);
    let next = 0;
    inBrowser.forEach((outcome, i) => {
      const reason = rejected.get(i + 1);
      if (reason?.endsWith('is not a number')) {
        expect(outcome, texts[i]).toEqual({ error: `row 1: ${reason}` });
        return;
      }
      // A number this model cannot score (inf): refused by both, each saying why in its own words.
      if (reason !== undefined) {
        expect(outcome, texts[i]).toHaveProperty('error');
        return;
      }
      expect(outcome, texts[i]).toHaveProperty('ok');
      const [row, label, ...p] = (scored[next++] ?? '').split(',');
      expect(Number(row)).toBe(i + 1);
      const ok = (outcome as { ok: BrowserPrediction }).ok;
      expect(ok.label, texts[i]).toBe(label);
      penguins.classes.forEach((c, j) => {
        expect(Math.abs((ok.probabilities?.[c] ?? Number.NaN) - Number(p[j])), texts[i]).toBeLessThan(1e-5);
      });
    });
    expect(next).toBe(scored.length);
    expect([...rejected.values()]).toContain(`column '${feature}': 'abc' is not a number`);
    expect([...rejected.values()]).toContain(`column '${feature}': '39,1' is not a number`);
    expect([...rejected.values()]).not.toContain(`column '${feature}': 'true' is not a number`);
    expect([...rejected.values()].filter((r) => r.endsWith('is not a number'))).toHaveLength(11);
  });

  it('shows on the page that a field holds no number, instead of scoring it as missing', async () => {
    const page = await open('gbdt');
    const schema = (await page.evaluate(() => fetch('schema.json').then((r) => r.json()))) as {
      features: { name: string; kind: string }[];
    };
    const i = schema.features.findIndex((f) => f.kind === 'numeric');
    const name = schema.features[i]?.name;
    for (const text of ['abc', '1,75']) {
      await page.fill(`#feature-${i}`, text);
      await page.click('form button[type="submit"]');
      await page.waitForSelector('#status.error');
      expect(await page.textContent('#status')).toBe(`row 1: column '${name}': '${text}' is not a number`);
      await page.fill(`#feature-${i}`, '');
      await page.click('form button[type="submit"]');
      await page.waitForSelector('#status:not(.error)');
    }
  });

  it.each(BYO_MODELS)(
    'predicts like torch with a bring-your-own model: packed or per-column inputs, integer or derived labels (%s)',
    async (name: ByoName) => {
      const { expected } = byoFixture(name);
      const page = await open(name);
      const inBrowser = await predictInPage(page, BYO_EXPECTED.rows);
      const classes = expected.classes ?? [];
      expectTorchOutputs(
        inBrowser.map((p) =>
          p.prediction === undefined
            ? {
                label: p.label,
                ...(p.probabilities
                  ? { probabilities: classes.map((c) => p.probabilities?.[c] ?? Number.NaN) }
                  : {}),
              }
            : { prediction: p.prediction },
        ),
        expected,
      );
    },
  );

  it('fetched nothing outside the bundle and logged no errors', () => {
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(server.requests.some((p) => p.endsWith('.wasm'))).toBe(true);
  });
});
