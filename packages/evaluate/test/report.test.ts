import { type ColumnData, markdownText, type Task } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import {
  buildEvaluation,
  buildReport,
  type EvaluationDocument,
  type EvaluationInput,
  evaluationSettings,
  type GateRules,
  GITHUB_COMMENT_LIMIT,
  MARKDOWN_BUDGET,
  renderEvaluation,
  renderHtml,
  renderMarkdown,
  type ScoredModel,
} from '../src/index.js';
import {
  categorical,
  classification,
  fixedCosts,
  labels,
  numeric,
  regression,
  scored,
  seeded,
} from './synthetic.js';

const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];
const ISLANDS = ['Biscoe', 'Dream', 'Torgersen'];

function sliceColumns(n: number, islands: readonly string[], seed: number): ColumnData[] {
  const random = seeded(seed);
  return [
    categorical(
      'Island',
      islands,
      Int32Array.from({ length: n }, () => Math.floor(random() * islands.length)),
    ),
    numeric(
      'Body Mass (g)',
      Float64Array.from({ length: n }, (_, i) =>
        i % 17 === 0 ? Number.NaN : 3000 + Math.round(3000 * random()),
      ),
    ),
  ];
}

interface Fixture {
  task: Task;
  rules: GateRules;
  challenger: ScoredModel;
  champion?: ScoredModel;
  columns: ColumnData[];
  rows: number;
}

function document(f: Fixture, extra: Partial<EvaluationInput> = {}): EvaluationDocument {
  return buildEvaluation({
    model: 'penguins-species',
    task: f.task,
    target: f.task === 'regression' ? 'Body Mass (g)' : 'Species',
    rules: f.rules,
    settings: evaluationSettings({ bootstrap: { resamples: 200, seed: 5 } }),
    challenger: f.challenger,
    ...(f.champion ? { champion: f.champion } : {}),
    holdout: {
      source: 'splits/test.parquet',
      files: ['splits/test.parquet'],
      rows: f.rows,
      droppedRows: 2,
      sha256: 'f'.repeat(64),
    },
    sliceColumns: f.columns,
    ...extra,
  });
}

function multiclassFixture(): Fixture {
  const n = 300;
  // No Gentoo in this holdout: one-vs-rest ROC AUC is undefined, and the report says why.
  const y = labels(n, 2, 1);
  const features = ['Island', 'Body Mass (g)', 'Beak Length (mm)'];
  return {
    task: 'multiclass',
    rows: n,
    rules: {
      accuracy: { min: 0.6, non_inferiority: 0.01, per_slice: true },
      log_loss: { max: 0.9, min_improvement: 0.01 },
      roc_auc: { min_relative_improvement: 0.001 },
      latency_p99_ms: { max: 5 },
      model_size_mb: { max: 1 },
    },
    challenger: scored(
      'model/model.onnx',
      { task: 'multiclass', ...classification(y, SPECIES, 1.2, 2) },
      fixedCosts(0.02, 0.11, 0.42, 95000),
      features,
    ),
    champion: scored(
      'penguins-species@v3',
      { task: 'multiclass', ...classification(y, SPECIES, 1, 3) },
      fixedCosts(0.3, 0.05, 0.2, 120000),
      features,
      { ref: 'penguins-species#production', name: 'penguins-species', version: 'v3', stage: 'production' },
    ),
    columns: sliceColumns(n, ISLANDS, 4),
  };
}

function regressionFixture(): Fixture {
  const n = 200;
  const random = seeded(9);
  const y = Float64Array.from({ length: n }, () => 3000 + 3000 * random());
  return {
    task: 'regression',
    rows: n,
    rules: { rmse: { max: 400 }, r2: { min: 0.8 }, latency_p99_ms: { max: 5 } },
    challenger: scored(
      'model/model.onnx',
      { task: 'regression', ...regression(y, 600, 10) },
      fixedCosts(0.01, 0.08, 0.3, 150000),
      ['Island', 'Body Mass (g)'],
    ),
    columns: sliceColumns(n, ISLANDS, 11),
  };
}

describe('report.md', () => {
  it('matches the committed snapshot for a fixed multiclass evaluation with a champion', async () => {
    const { markdown } = renderEvaluation(document(multiclassFixture()));
    await expect(markdown).toMatchFileSnapshot('./fixtures/report-multiclass.md');
  });

  it('matches the committed snapshot for a regression evaluation without a champion', async () => {
    const doc = document(regressionFixture(), {
      championNote: 'penguins-species has no version in production yet',
    });
    await expect(renderEvaluation(doc).markdown).toMatchFileSnapshot('./fixtures/report-regression.md');
  });

  it('puts the verdict first and one reason per rule', () => {
    const doc = document(multiclassFixture());
    const markdown = renderMarkdown(buildReport(doc));
    const lines = markdown.split('\n');
    expect(lines[0]).toBe(
      `## ${doc.gate.pass ? '✅' : '❌'} penguins-species ${doc.gate.pass ? 'passes' : 'fails'} the gate`,
    );
    for (const outcome of doc.gate.rules) expect(markdown).toContain(markdownText(outcome.reason));
    expect(markdown).toContain('```mermaid\n%%{init:');
    expect(markdown).toContain('xychart-beta');
  });

  it('stays under GitHub’s comment limit with over a thousand slices and a hundred classes', () => {
    const n = 3000;
    const classes = Array.from({ length: 150 }, (_, k) => `class-${k}-${'x'.repeat(30)}`);
    const y = labels(n, classes.length, 21);
    const categories = Array.from({ length: 2500 }, (_, k) => `category ${k} ${'y'.repeat(40)}`);
    const doc = document(
      {
        task: 'multiclass',
        rows: n,
        rules: { accuracy: { min: 0.1 } },
        challenger: scored(
          'model.onnx',
          { task: 'multiclass', ...classification(y, classes, 4, 22) },
          fixedCosts(1, 1, 2, 3),
          ['c'],
        ),
        columns: sliceColumns(n, categories, 23),
      },
      { settings: { ...evaluationSettings({ bootstrap: { resamples: 20 } }), minSliceSize: 1 } },
    );
    expect(doc.slices.entries.length).toBeGreaterThan(1500);
    const markdown = renderMarkdown(buildReport(doc));
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MARKDOWN_BUDGET);
    expect(MARKDOWN_BUDGET).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(markdown).toMatch(/\*… \d+ more rows in report\.html and evaluation\.json\.\*/);
    expect(markdown.startsWith('## ✅ penguins-species passes the gate')).toBe(true);
    const html = renderHtml(buildReport(doc));
    expect(html).toContain(categories[2499]);
  });

  it('leaves out whole sections, then cuts, when even short tables do not fit', () => {
    const content = buildReport(document(multiclassFixture()));
    const short = renderMarkdown(content, 4000);
    expect(Buffer.byteLength(short)).toBeLessThanOrEqual(4000);
    expect(short).toMatch(/more sections? left out to stay under GitHub's comment limit/);
    const tiny = renderMarkdown(content, 300);
    expect(Buffer.byteLength(tiny)).toBeLessThanOrEqual(300);
    expect(tiny).toMatch(/Cut to stay under GitHub's comment limit/);
  });
});

const HOSTILE = [
  '<script>alert(1)</script>',
  '@octocat please look',
  '| col | injected |',
  '`code` ``` fence',
  '[click](javascript:alert(1))',
  '**bold** _it_ ~~gone~~',
  '</details><img src=x onerror=alert(1)>',
  '# heading\nsecond line',
  'https://evil.example/x www.evil.example',
  '&lt;entity&gt; &amp;',
  '\\ backslash',
];

const SAFE_TAGS = new Set(
  'html head meta title style body h1 h2 p section ul li table thead tbody tr th td code strong details summary small div svg text line rect polyline'.split(
    ' ',
  ),
);

/** Markdown with code spans removed: what GitHub renders as Markdown rather than literal text. */
function outsideCode(markdown: string): string {
  return markdown
    .replace(/```mermaid[\s\S]*?```/g, '')
    .replaceAll('\\\\', '\u0001')
    .replaceAll('\\`', '\u0002')
    .replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, '');
}

describe('hostile names in data and models', () => {
  const n = 400;
  const y = labels(n, HOSTILE.length, 31);
  const random = seeded(32);
  const columns: ColumnData[] = [
    categorical(
      '<b>col</b> @team',
      HOSTILE,
      Int32Array.from({ length: n }, () => Math.floor(random() * HOSTILE.length)),
    ),
  ];
  const challenger = scored(
    '<img src=x>@owner.onnx',
    { task: 'multiclass', ...classification(y, HOSTILE, 3, 33) },
    fixedCosts(1, 1, 1, 1),
    ['<b>col</b> @team'],
  );
  const champion = scored(
    'champ | `x`.onnx',
    { task: 'multiclass', ...classification(y, HOSTILE, 3.2, 34) },
    fixedCosts(1, 1, 1, 1),
    ['<b>col</b> @team'],
  );
  const doc = document(
    {
      task: 'multiclass',
      rows: n,
      rules: { accuracy: { min: 0.5, per_slice: true } },
      challenger,
      champion,
      columns,
    },
    {
      warnings: [
        "model: feature 'x' has 3 holdout rows with a category training never saw (e.g. '@admin <script>')",
      ],
    },
  );
  const { markdown, html } = renderEvaluation(doc);

  it('report.md shows them as text: no HTML, mentions, links or broken tables', () => {
    const text = outsideCode(markdown);
    const tags = text.match(/<\/?[a-z][^>]*>/gi) ?? [];
    expect(new Set(tags)).toEqual(
      new Set(['<details>', '</details>', '<summary>', '</summary>', '<sub>', '</sub>']),
    );
    expect(text).not.toMatch(/@[A-Za-z]/);
    expect(text).not.toMatch(/(^|[^\\])\[[^\]]*(^|[^\\])\]\(/);
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toMatch(/(^|[^\\])\*\*bold/);
    const summaries = markdown.match(/<summary>[^<]*<\/summary>/g) ?? [];
    expect(summaries.length).toBe((markdown.match(/<details>/g) ?? []).length);
    let header = 0;
    for (const line of markdown.split('\n')) {
      if (!line.startsWith('|')) {
        header = 0;
        continue;
      }
      const pipes =
        outsideCode(line)
          .replace(/\\\\/g, '')
          .match(/(?<!\\)\|/g)?.length ?? 0;
      if (header === 0) header = pipes;
      else expect(pipes, line).toBe(header);
    }
    expect(markdown).toContain('`<script>alert(1)</script>`');
  });

  it('report.html escapes everything and fetches nothing', () => {
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    const names = new Set(tags.map((t) => /^<([a-z0-9]+)/i.exec(t)?.[1]?.toLowerCase()));
    expect([...names].filter((name) => !SAFE_TAGS.has(name ?? ''))).toEqual([]);
    for (const tag of tags) expect(tag).not.toMatch(/\s(src|href|on[a-z]+)=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Content-Security-Policy" content="default-src \'none\'');
    const withUrls = tags.filter((t) => /https?:/.test(t));
    expect(withUrls.length).toBeGreaterThan(0);
    for (const tag of withUrls) expect(tag).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
    expect(html).toMatch(/<svg [^>]*role="img"/);
  });
});
