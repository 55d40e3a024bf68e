/**
 * bench:site — `modelgate site` on a registry of 10,000 versions (100 models × 100), each with the
 * evaluation.json, metadata.json and card.md the toolkit writes, and a history of one commit per
 * registration and promotion (11,500 commits). Times the build and how soon the catalogue page is
 * interactive in Chromium (the browser's own performance timing), next to `registry ls` on the same
 * registry. Goals: build under 10 s, catalogue interactive under 1 s.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  listModels,
  REGISTRY_FILES,
  renderStages,
  stringifyMetadata,
  type VersionMetadata,
} from '@modelgate/registry';
import { buildSite } from '@modelgate/site';
import { chromium } from 'playwright-core';
import { main } from '../packages/cli/src/main.js';
import { fileEntry, modelBytes, modelName, versionMetadata, withCard } from './registry-versions.js';

const MODELS = 100;
const VERSIONS = 100;
const STAGES = ['staging', 'production'];
const REPEATS = 3;
const PAGE_LOADS = 5;
const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..');

/** One real evaluation.json, made now by `modelgate evaluate` on the repository's own registered model. */
async function realEvaluation(dir: string): Promise<Record<string, unknown>> {
  const out = join(dir, 'evaluation');
  const code = await main(
    [
      'evaluate',
      '--config',
      join(ROOT, 'examples/penguins/modelgate.yaml'),
      '--model',
      join(ROOT, 'registry/penguins-species/versions/v1/model.onnx'),
      '--no-baseline',
      '--out',
      out,
    ],
    { stdout: () => {}, stderr: (t) => process.stderr.write(t) },
  );
  if (code !== 0) throw new Error(`modelgate evaluate exited ${code}`);
  return JSON.parse(await readFile(join(out, 'evaluation.json'), 'utf8'));
}

/** The evaluation with every metric moved a little, differently per version (same shape and size). */
function evaluationOf(base: Record<string, unknown>, model: number, version: number): string {
  const shift = (((model * 7919 + version * 104729) % 1000) / 1000 - 0.5) * 0.02;
  const metrics = Object.fromEntries(
    Object.entries(base.metrics as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === 'number' ? Number((v * (1 + shift)).toPrecision(12)) : v,
    ]),
  );
  return `${JSON.stringify({ ...base, model: modelName(model), metrics, challenger: { ...(base.challenger as object), metrics } }, null, 2)}\n`;
}

function metadataOf(name: string, version: number, model: Buffer, evaluation: string): VersionMetadata {
  const metrics = JSON.parse(evaluation).metrics as Record<string, unknown>;
  return versionMetadata(name, version, model, {
    files: { [REGISTRY_FILES.evaluation]: fileEntry(evaluation) },
    task: 'multiclass',
    target: 'Species',
    classes: ['Adelie', 'Chinstrap', 'Gentoo'],
    metrics: Object.fromEntries(
      Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === 'number'),
    ),
    data: { source: { sha256: createHash('sha256').update(name).digest('hex'), rows: 344, columns: 7 } },
    code: { commit: createHash('sha1').update(`${name}/${version}`).digest('hex') },
  });
}

/**
 * Writes the history with git fast-import: per round, each model registers a version; every tenth
 * version goes to staging, every twentieth (of those in staging) to production.
 */
async function writeHistory(repo: string, base: Record<string, unknown>): Promise<number> {
  const git = spawn('git', ['fast-import', '--quiet'], { cwd: repo, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) =>
    git.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)))),
  );
  let commits = 0;
  let time = Date.UTC(2024, 0, 1) / 1000;
  const write = (text: string | Buffer) =>
    git.stdin.write(text) ? Promise.resolve() : new Promise<void>((r) => git.stdin.once('drain', () => r()));
  const data = (content: string | Buffer) => [`data ${Buffer.byteLength(content)}\n`, content, '\n'];
  const commit = async (message: string, files: [string, string | Buffer][]) => {
    time += 60;
    const parts: (string | Buffer)[] = [
      'commit refs/heads/main\n',
      `committer bench <bench@example.com> ${time} +0000\n`,
      ...data(message),
    ];
    for (const [path, content] of files) parts.push(`M 100644 inline registry/${path}\n`, ...data(content));
    for (const p of parts) await write(p);
    commits++;
  };
  await commit('registry: settings', [[REGISTRY_FILES.settings, 'stages: [staging, production]\n']]);
  const stages: Record<string, string>[] = Array.from({ length: MODELS }, () => ({}));
  for (let v = 1; v <= VERSIONS; v++) {
    for (let m = 0; m < MODELS; m++) {
      const name = modelName(m);
      const model = modelBytes(name, v);
      const evaluation = evaluationOf(base, m, v);
      const meta = metadataOf(name, v, model, evaluation);
      const card = withCard(meta);
      const dir = `${name}/versions/v${v}`;
      await commit(`registry: register ${name} v${v}`, [
        [`${dir}/${REGISTRY_FILES.model}`, model],
        [`${dir}/${REGISTRY_FILES.evaluation}`, evaluation],
        [`${dir}/${REGISTRY_FILES.card}`, card],
        [`${dir}/${REGISTRY_FILES.metadata}`, stringifyMetadata(meta)],
      ]);
      const current = stages[m] as Record<string, string>;
      const moves = v % 10 === 0 ? (v % 20 === 0 ? ['staging', 'production'] : ['staging']) : [];
      for (const stage of moves) {
        current[stage] = `v${v}`;
        await commit(`registry: promote ${name} v${v} to ${stage}`, [
          [`${name}/stages.yaml`, renderStages(current, STAGES)],
        ]);
      }
    }
  }
  git.stdin.end();
  await done;
  return commits;
}

/** The median time of `runs` runs of `work`, timed by work itself when it returns `seconds`. */
async function median<T>(runs: number, work: () => Promise<T>): Promise<{ seconds: number; last: T }> {
  const times: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    last = await work();
    const own = (last as { seconds?: unknown }).seconds;
    times.push(typeof own === 'number' ? own : (performance.now() - start) / 1000);
  }
  return { seconds: times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? Number.NaN, last: last as T };
}

interface PageTiming {
  ready: number;
  domInteractive: number;
  load: number;
  search: number;
}

/** Fresh page loads of the catalogue from file://: when the search is wired up, by the page's own clock. */
async function catalogueTimings(index: string): Promise<PageTiming[]> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    const timings: PageTiming[] = [];
    for (let i = 0; i < PAGE_LOADS; i++) {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(index).href);
      await page.waitForFunction(`performance.getEntriesByName('modelgate:catalogue-ready').length > 0`);
      const timing = (await page.evaluate(`(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const ready = performance.getEntriesByName('modelgate:catalogue-ready')[0].startTime;
        const input = document.getElementById('q');
        input.value = 'model-042 production';
        const start = performance.now();
        document.getElementById('search').requestSubmit();
        const search = performance.now() - start;
        return { ready, domInteractive: nav.domInteractive, load: nav.loadEventEnd, search };
      })()`)) as PageTiming;
      timings.push(timing);
      await page.close();
    }
    return timings;
  } finally {
    await browser.close();
  }
}

const mid = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function run(root: string): Promise<void> {
  const repo = join(root, 'repo');
  await mkdir(repo, { recursive: true });
  execFileSync('git', ['init', '-q', '--initial-branch=main'], { cwd: repo });
  execFileSync('git', ['config', 'gc.auto', '0'], { cwd: repo });
  const start = performance.now();
  const base = await realEvaluation(root);
  const commits = await writeHistory(repo, base);
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: repo });
  const registry = join(repo, 'registry');
  process.stderr.write(
    `built ${MODELS * VERSIONS} versions, ${commits} commits in ${((performance.now() - start) / 1000).toFixed(1)} s\n`,
  );

  const ls = await median(5, () => listModels(registry));
  if (ls.last.models.length !== MODELS) throw new Error(`registry ls found ${ls.last.models.length} models`);
  const out = join(root, 'site');
  // Each build starts from nothing, as in the workflow (a fresh runner directory).
  const site = await median(REPEATS, async () => {
    await rm(out, { recursive: true, force: true });
    const start = performance.now();
    const result = await buildSite({ registryDir: registry, out, repository: null });
    return { result, seconds: (performance.now() - start) / 1000 };
  });
  const built = site.last.result;
  if (built.versions !== MODELS * VERSIONS || built.problems.length > 0) {
    throw new Error(
      `site: ${built.versions} versions, problems: ${JSON.stringify(built.problems.slice(0, 3))}`,
    );
  }
  const pages = await catalogueTimings(built.index);
  const ready = mid(pages.map((p) => p.ready)) / 1000;
  const width = 44;
  const line = (what: string, seconds: number, goal: string) =>
    console.log(`${what.padEnd(width)}  ${`${seconds.toFixed(3)} s`.padStart(9)}  ${goal}`);
  console.log(`\n${MODELS} models, ${MODELS * VERSIONS} versions, ${commits} commits, ${built.pages} pages`);
  console.log(`${'operation'.padEnd(width)}  ${'median'.padStart(9)}  goal`);
  line('registry ls (reference)', ls.seconds, '');
  line('modelgate site (build)', site.seconds, `< 10 s: ${site.seconds < 10 ? 'ok' : 'MISSED'}`);
  line('catalogue interactive (Chromium, file://)', ready, `< 1 s: ${ready < 1 ? 'ok' : 'MISSED'}`);
  line('  domInteractive', mid(pages.map((p) => p.domInteractive)) / 1000, '');
  line('  load event end', mid(pages.map((p) => p.load)) / 1000, '');
  line('  one search over every version', mid(pages.map((p) => p.search)) / 1000, '');
  console.log(
    `\nsite build / registry ls: ${(site.seconds / ls.seconds).toFixed(0)}x (the build reads every file of every version and writes ${built.pages} pages; ls reads two small files per model)`,
  );
}

const root = await mkdtemp(join(tmpdir(), 'modelgate-bench-site-'));
try {
  await run(root);
} finally {
  if (process.env.BENCH_KEEP) process.stderr.write(`kept ${root}\n`);
  else await rm(root, { recursive: true, force: true, maxRetries: 3 });
}
