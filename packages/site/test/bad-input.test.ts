import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import { git, useGitSandbox } from '../../registry/test/git-fixture.js';
import { buildSite, type SiteResult } from '../src/index.js';
import { monitorReport, promoteFixture, registerFixture, writeJson } from './small-registry.js';

const sandbox = useGitSandbox('site-bad-input');
const EVALUATION = { metrics: { accuracy: 0.9, log_loss: 0.3 } };

let registry: string;
let monitoring: string;
let result: SiteResult;
let out: string;
const page = (path: string) => readFile(join(out, path), 'utf8');

/**
 * A registry with one of each kind of damage: a corrupt stages.yaml, a version without evaluation.json,
 * one whose metadata.json is gone, a monitor.json of another format and one of an unknown model.
 */
beforeAll(async () => {
  const repo = await sandbox.repo();
  registry = join(repo, 'registry');
  await registerFixture(sandbox, registry, 'alpha', 'a1', { 'evaluation.json': EVALUATION });
  await registerFixture(sandbox, registry, 'alpha', 'a2');
  await promoteFixture(registry, 'alpha', 'v1', 'staging');
  await registerFixture(sandbox, registry, 'beta', 'b1', { 'evaluation.json': EVALUATION });
  await registerFixture(sandbox, registry, 'gamma', 'g1', { 'evaluation.json': EVALUATION });
  await promoteFixture(registry, 'gamma', 'v1', 'staging');
  await rm(join(registry, 'beta', 'versions', 'v1', 'metadata.json'));
  await writeFile(join(registry, 'gamma', 'stages.yaml'), 'staging: [v1\n');
  monitoring = join(repo, 'monitoring');
  await writeJson(join(monitoring, 'future', 'monitor.json'), {
    ...monitorReport('alpha', 'v1'),
    format: 'modelgate.monitor/2',
  });
  await writeJson(join(monitoring, 'stranger', 'monitor.json'), monitorReport('stranger', 'v1'));
  await writeJson(join(monitoring, 'fine', 'monitor.json'), monitorReport('alpha', 'v1'));
  await git(repo, 'add', '-A');
  out = sandbox.tmp.path('site');
  result = await buildSite({ registryDir: registry, out, monitor: [monitoring], repository: null });
});

describe('a damaged registry', () => {
  it('still gets a site, with each problem listed once, naming its file', () => {
    expect(result.models).toBe(3);
    expect(result.versions).toBe(4);
    const lines = result.problems.map((p) => `${p.level} ${p.message}`);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error ${monitoring}/future/monitor\\.json: format is "modelgate\\.monitor/2", expected "modelgate\\.monitor/1"`,
        ),
      ),
      `warning ${monitoring}/stranger/monitor.json: model "stranger" is not in the registry; skipped`,
      `warning ${registry}/alpha/versions/v2/evaluation.json: missing: no evaluation report, and no metrics for the charts`,
      `error ${registry}/beta/versions/v1/metadata.json: missing: beta v1 has no metadata`,
      expect.stringMatching(new RegExp(`^error ${registry}/gamma/stages\\.yaml: invalid YAML`)),
    ]);
  });

  it('says on each affected page what is missing', async () => {
    expect(await page('models/alpha/v2.html')).toContain(
      'evaluation.json: missing (no evaluation report, no metrics)',
    );
    const beta = await page('models/beta/v1.html');
    expect(beta).toContain('metadata.json: missing');
    expect(beta).toContain('No metadata.json: nothing to compare.');
    const gamma = await page('models/gamma/index.html');
    expect(gamma).toMatch(/class="notice"[\s\S]*gamma\/stages\.yaml: invalid YAML/);
    const catalogue = await page('index.html');
    expect(catalogue).toContain('<h2 id="problems-title">Problems (5)</h2>');
    for (const p of result.problems) expect(catalogue).toContain(p.message.replaceAll('"', '&quot;'));
    const index = JSON.parse(await page('index.json'));
    expect(index.problems).toEqual(result.problems);
    expect(index.models.find((m: { name: string }) => m.name === 'gamma').stagesError).toMatch(
      /invalid YAML/,
    );
  });

  it('draws the monitoring it can read and leaves out the rest', async () => {
    const alpha = await page('models/alpha/monitoring.html');
    expect(alpha).toContain('fine/monitor.json');
    expect(alpha).not.toContain('future/monitor.json');
  });

  it('refuses an --out that holds something else, and a bad --registry or --base-url, before writing', async () => {
    const other = sandbox.tmp.path('not-a-site');
    await writeJson(join(other, 'notes.json'), {});
    await expectUserError(
      buildSite({ registryDir: registry, out: other, repository: null }),
      /^--out .*not-a-site: is not empty and holds no site from modelgate site/,
    );
    expect(await readFile(join(other, 'notes.json'), 'utf8')).toBe('{}\n');
    await expectUserError(
      buildSite({ registryDir: join(registry, 'nope'), out: sandbox.tmp.path('x'), repository: null }),
      /^--registry .*nope: no such directory/,
    );
    await expectUserError(
      buildSite({
        registryDir: registry,
        out: sandbox.tmp.path('y'),
        baseUrl: '"><script>',
        repository: null,
      }),
      /^--base-url "\\"><script>": expected a path such as \/my-repo\//,
    );
  });

  it('draws the same pages and finds the same problems when a worker thread draws half the versions', async () => {
    const now = new Date('2024-06-01T00:00:00Z');
    const one = await buildSite({
      registryDir: registry,
      out: sandbox.tmp.path('one'),
      monitor: [monitoring],
      repository: null,
      now,
      threads: 1,
    });
    const two = await buildSite({
      registryDir: registry,
      out: sandbox.tmp.path('two'),
      monitor: [monitoring],
      repository: null,
      now,
      threads: 2,
    });
    expect(two.problems).toEqual(one.problems);
    expect(two.pages).toBe(one.pages);
    const files = (await readdir(one.out, { recursive: true })).sort();
    expect((await readdir(two.out, { recursive: true })).sort()).toEqual(files);
    for (const file of files.filter((f) => f.endsWith('.html') || f.endsWith('.json') || f.endsWith('.js'))) {
      expect(await readFile(join(two.out, file), 'utf8'), file).toBe(
        await readFile(join(one.out, file), 'utf8'),
      );
    }
  });

  it('replaces an earlier site whole: a model gone from the registry loses its pages', async () => {
    await rm(join(registry, 'gamma'), { recursive: true });
    const again = await buildSite({ registryDir: registry, out, repository: null });
    expect(again.models).toBe(2);
    await expect(page('models/gamma/index.html')).rejects.toThrow(/ENOENT/);
  });
});
