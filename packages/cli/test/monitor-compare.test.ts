import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskPredictions } from '@modelgate/core';
import { collectGateEvidence, evaluateGate, evaluationSettings, resolveGate } from '@modelgate/evaluate';
import { renderCompareMarkdown, type ShadowComparison } from '@modelgate/monitor';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { startGitHubEmulator } from '../../github/test/emulator/index.js';
import { INJECTION_CORPUS, renderedProblems } from '../../github/test/injection.js';
import { clientFor } from './github-client.js';
import { runCli } from './run-cli.js';
import {
  type Car,
  cars,
  type LoggedRequest,
  type Outputs,
  type Penguin,
  penguins,
  writeLabels,
  writeShadowLog,
} from './shadow-log.js';

const tmp = useTempDir('cli-monitor-compare');
const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];
const START = Date.parse('2026-11-30T10:00:00Z');

/** A nearest-centroid classifier on some measurements: softmax of minus half the squared standardized distance. */
function centroidModel(data: readonly Penguin[], features: readonly (keyof Penguin)[]) {
  const value = (p: Penguin, f: keyof Penguin) => p[f] as number;
  const stats = features.map((f) => {
    const xs = data.map((p) => value(p, f));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    return { mean, sd };
  });
  const z = (p: Penguin) =>
    features.map((f, j) => (value(p, f) - (stats[j]?.mean ?? 0)) / (stats[j]?.sd ?? 1));
  const centroids = CLASSES.map((c) => {
    const members = data.filter((p) => p.species === c).map(z);
    return features.map((_, j) => members.reduce((a, m) => a + (m[j] ?? 0), 0) / members.length);
  });
  return (p: Penguin) => {
    const x = z(p);
    const scores = centroids.map((c) => -0.5 * c.reduce((a, cj, j) => a + (cj - (x[j] ?? 0)) ** 2, 0));
    const top = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - top));
    const sum = e.reduce((a, b) => a + b, 0);
    const probabilities = e.map((v) => v / sum);
    const label = probabilities.indexOf(Math.max(...probabilities));
    return { probabilities, label };
  };
}

function classifierOutputs(rows: readonly Penguin[], model: ReturnType<typeof centroidModel>): Outputs {
  const scored = rows.map(model);
  return {
    label: scored.map((s) => CLASSES[s.label] as string),
    ...Object.fromEntries(
      CLASSES.map((c, k) => [`probability_${c}`, scored.map((s) => s.probabilities[k] as number)]),
    ),
  };
}

/** Rows cut into requests of 1, 2 and 3 rows, 40 s apart; every fifth request not shadowed. */
function requestsOf<T>(
  rows: readonly T[],
  inputs: (part: readonly T[]) => LoggedRequest['inputs'],
  production: (part: readonly T[]) => Outputs,
  shadow: (part: readonly T[]) => Outputs,
): { requests: LoggedRequest[]; parts: { id: string; rows: T[]; shadowed: boolean; produced: boolean }[] } {
  const requests: LoggedRequest[] = [];
  const parts: { id: string; rows: T[]; shadowed: boolean; produced: boolean }[] = [];
  let at = 0;
  for (let r = 0; at < rows.length; r++) {
    const part = rows.slice(at, at + (r % 3) + 1);
    at += part.length;
    const id = `req-${r}`;
    const shadowed = r % 5 !== 4;
    // The last request reached only the shadow's log (its production line was dropped).
    const produced = at < rows.length;
    parts.push({ id, rows: [...part], shadowed, produced });
    requests.push({
      id,
      time: new Date(START + r * 40_000),
      inputs: inputs(part),
      production: produced ? production(part) : null,
      shadow: shadowed ? shadow(part) : null,
      shadowMs: 1 + (r % 10),
    });
  }
  return { requests, parts };
}

async function compareRun(args: string[], cwd: string) {
  const run = await runCli(['monitor', '--compare', ...args], { cwd });
  return run;
}

async function readReport(out: string): Promise<ShadowComparison> {
  return JSON.parse(await readFile(join(out, 'compare.json'), 'utf8')) as ShadowComparison;
}

/** numpy's linear quantile of ascending values. */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return (
    (sorted[below] as number) + ((sorted[above] as number) - (sorted[below] as number)) * (position - below)
  );
}

/** The gate's outcomes as the JSON report holds them. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('modelgate monitor --compare', () => {
  it('pairs production and shadow rows by request and judges the shadow with the holdout gate on labeled live rows', async () => {
    const data = await penguins();
    const production = centroidModel(data, ['beak', 'flipper']);
    const shadow = centroidModel(data, ['beak', 'depth', 'flipper']);
    const { requests, parts } = requestsOf(
      data,
      (part) => ({
        beak: part.map((p) => p.beak),
        depth: part.map((p) => p.depth),
        flipper: part.map((p) => p.flipper),
      }),
      (part) => classifierOutputs(part, production),
      (part) => classifierOutputs(part, shadow),
    );
    const dir = join(tmp.dir, 'classification');
    const log = await writeShadowLog(join(dir, 'log'), 'penguins', requests);
    const labels: [string, number, string][] = parts.flatMap((p) =>
      p.rows.map((row, i): [string, number, string] => [p.id, i, row.species]),
    );
    await writeLabels(join(dir, 'labels.csv'), 'species', labels);
    await writeFile(
      join(dir, 'modelgate.yaml'),
      'task: multiclass\ngate:\n  accuracy: { non_inferiority: 0.02 }\n  f1_macro: { non_inferiority: 0.02 }\n  latency_p99_ms: { max: 5 }\n',
    );
    const run = await compareRun(
      ['--current', log, '--labels', 'labels.csv', '--label-column', 'species', '--out', 'out'],
      dir,
    );
    expect(run.stderr).toBe('');
    const report = await readReport(join(dir, 'out'));
    expect(run.stdout.split('\n')[0]).toBe(report.verdict.summary);
    expect(run.stdout).toMatch(/^(pass|fail|pending): (?!pass|fail|pending)/);

    const paired = parts.filter((p) => p.shadowed && p.produced).flatMap((p) => p.rows);
    const productionOnly = parts.filter((p) => !p.shadowed && p.produced).flatMap((p) => p.rows).length;
    const shadowOnly = parts.filter((p) => p.shadowed && !p.produced).flatMap((p) => p.rows).length;
    expect(productionOnly).toBeGreaterThan(0);
    expect(shadowOnly).toBeGreaterThan(0);
    expect(report.rows).toEqual({
      production: paired.length + productionOnly,
      shadow: paired.length + shadowOnly,
      paired: paired.length,
      productionOnly,
      shadowOnly,
    });
    expect(report.versions).toEqual({ production: ['v1'], shadow: ['v2'] });
    const a = paired.map(production);
    const b = paired.map(shadow);
    const same = a.filter((x, i) => x.label === b[i]?.label).length;
    expect(report.window.agreement).toBeCloseTo(same / paired.length, 12);
    expect(same).toBeLessThan(paired.length);
    expect(report.chunks.length).toBeGreaterThan(1);
    expect(report.chunks.reduce((n, c) => n + c.rows, 0)).toBe(paired.length);
    expect(report.window.drift.columns.map((c) => c.column)).toEqual([
      'label',
      ...CLASSES.map((c) => `probability_${c}`),
    ]);
    // Labels of rows one model alone scored are counted and left out.
    expect(report.labels).toMatchObject({ matched: paired.length, excluded: productionOnly + shadowOnly });
    expect(report.window.labeled).toBe(paired.length);

    // The same statistics as the holdout gate: evaluate's own functions on the same rows.
    const yTrue = Int32Array.from(paired, (p) => CLASSES.indexOf(p.species));
    const predictions = (scored: typeof a): TaskPredictions => ({
      task: 'multiclass',
      yTrue,
      classes: 3,
      classNames: CLASSES,
      probabilities: Float64Array.from(scored.flatMap((s) => s.probabilities)),
      yPred: Int32Array.from(scored, (s) => s.label),
    });
    const rules = {
      accuracy: { non_inferiority: 0.02 },
      f1_macro: { non_inferiority: 0.02 },
    };
    const evidence = collectGateEvidence({
      rules,
      challenger: predictions(b),
      champion: predictions(a),
      bootstrap: evaluationSettings({}).bootstrap,
    });
    const verdict = evaluateGate(rules, evidence);
    expect(report.gate?.outcomes).toEqual(asJson(verdict.outcomes));
    expect(report.gate?.outcomes.map((o) => o.method)).toEqual(['tango-score', 'paired-bootstrap']);
    // And per chunk: the first hour's rows alone (requests 0–89, 40 s apart).
    const firstHour = parts
      .filter((p, r) => p.shadowed && p.produced && r * 40 < 3600)
      .flatMap((p) => p.rows);
    const n = firstHour.length;
    expect(report.chunks[0]?.rows).toBe(n);
    const hourPredictions = (scored: typeof a): TaskPredictions => ({
      ...(predictions(scored.slice(0, n)) as TaskPredictions & { task: 'multiclass' }),
      yTrue: yTrue.slice(0, n),
    });
    const hourVerdict = evaluateGate(
      rules,
      collectGateEvidence({
        rules,
        challenger: hourPredictions(b),
        champion: hourPredictions(a),
        bootstrap: evaluationSettings({}).bootstrap,
      }),
    );
    expect(report.chunks[0]?.gate?.outcomes).toEqual(asJson(hourVerdict.outcomes));
    expect(report.gate?.outcomes.every((o) => o.power && o.power.mde > 0)).toBe(true);
    expect(report.gate?.note).toContain('latency_p99_ms');
    expect(report.verdict.status).toBe(verdict.pass ? 'pass' : 'fail');
    expect(run.code).toBe(verdict.pass ? 0 : 1);

    // Latency of each over the paired window: the shadow's per request, nearest rank.
    const shadowed = requests
      .filter((r) => r.shadow && r.production)
      .map((r) => r.shadowMs as number)
      .sort((x, y) => x - y);
    expect(report.window.latency.shadow).toMatchObject({
      requests: shadowed.length,
      p50Ms: shadowed[Math.ceil(0.5 * shadowed.length) - 1],
      p99Ms: shadowed[Math.ceil(0.99 * shadowed.length) - 1],
    });
    expect(report.window.latency.production?.requests).toBe(requests.filter((r) => r.production).length);
    const markdown = await readFile(join(dir, 'out', 'compare.md'), 'utf8');
    expect(markdown).toContain('Online comparison');
    expect(markdown).toContain(`${paired.length} scored by both`);

    // The promotion PR of the shadowed version carries the report and the online check.
    await writeFile(
      join(dir, 'registry.yaml'),
      'stages: [staging, production]\nrules:\n  production: { online: { min_shadow_rows: 300 } }\n',
    );
    const gh = await startGitHubEmulator({ owner: 'octo-org', repo: 'models' });
    try {
      const { client } = clientFor(gh);
      const { data: pull } = await client.rest.pulls.create({
        owner: 'octo-org',
        repo: 'models',
        title: 'modelgate: promote penguins v2 to production (was v1)',
        head: 'modelgate/promote/penguins/production',
        base: 'main',
      });
      const github = ['--repo', 'octo-org/models', '--api-url', gh.url, '--token', 't', '--registry', '.'];
      const posted = await runCli(
        ['github', 'online-report', '--compare', 'out', '--model', 'penguins', ...github],
        { cwd: dir },
      );
      expect(posted.stderr).toBe('');
      expect(posted.code).toBe(0);
      expect(gh.state.comments).toHaveLength(1);
      expect(String(gh.state.comments[0]?.body)).toContain('Online comparison');
      // 271 paired rows of the 300 registry.yaml asks for: the check holds the merge.
      expect(gh.state.checkRuns).toEqual([
        expect.objectContaining({
          name: 'modelgate/penguins online',
          head_sha: pull.head.sha,
          conclusion: 'failure',
        }),
      ]);
      expect(gh.violations()).toEqual([]);
    } finally {
      await gh.close();
    }
  });

  it('reports the prediction difference of regressors and the gate on R²', async () => {
    const data = await cars();
    const fit = (x: (c: Car) => number) => {
      const xs = data.map(x);
      const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
      const my = data.reduce((s, c) => s + c.mpg, 0) / data.length;
      const slope =
        data.reduce((s, c, i) => s + ((xs[i] as number) - mx) * (c.mpg - my), 0) /
        xs.reduce((s, v) => s + (v - mx) ** 2, 0);
      return (c: Car) => my + slope * (x(c) - mx);
    };
    const production = fit((c) => c.horsepower);
    const shadow = fit((c) => c.weight);
    const { requests, parts } = requestsOf(
      data,
      (part) => ({ horsepower: part.map((c) => c.horsepower), weight: part.map((c) => c.weight) }),
      (part) => ({ prediction: part.map(production) }),
      (part) => ({ prediction: part.map(shadow) }),
    );
    const dir = join(tmp.dir, 'regression');
    const log = await writeShadowLog(join(dir, 'log'), 'cars', requests);
    await writeLabels(
      join(dir, 'labels.csv'),
      'mpg',
      parts.flatMap((p) => p.rows.map((c, i): [string, number, number] => [p.id, i, c.mpg])),
    );
    const run = await compareRun(
      ['--current', log, '--labels', 'labels.csv', '--label-column', 'mpg', '--chunk', 'day', '--out', 'out'],
      dir,
    );
    expect(run.stderr).toBe('');
    const report = await readReport(join(dir, 'out'));
    const paired = parts.filter((p) => p.shadowed && p.produced).flatMap((p) => p.rows);
    const d = paired.map((c) => shadow(c) - production(c));
    const sorted = [...d].sort((x, y) => x - y);
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    expect(report.task).toBe('regression');
    expect(report.window.agreement).toBeNull();
    expect(report.window.difference?.rows).toBe(paired.length);
    expect(report.window.difference?.mean).toBeCloseTo(mean, 9);
    expect(report.window.difference?.p5).toBeCloseTo(quantile(sorted, 0.05), 9);
    expect(report.window.difference?.p50).toBeCloseTo(quantile(sorted, 0.5), 9);
    expect(report.window.difference?.p95).toBeCloseTo(quantile(sorted, 0.95), 9);
    expect(report.chunks).toHaveLength(1);

    const yTrue = Float64Array.from(paired, (c) => c.mpg);
    const rules = resolveGate(undefined, 'regression').rules;
    const verdict = evaluateGate(
      rules,
      collectGateEvidence({
        rules,
        challenger: { task: 'regression', yTrue, yPred: Float64Array.from(paired, shadow) },
        champion: { task: 'regression', yTrue, yPred: Float64Array.from(paired, production) },
        bootstrap: evaluationSettings({}).bootstrap,
      }),
    );
    expect(report.gate?.outcomes).toEqual(asJson(verdict.outcomes));
    expect(report.gate?.outcomes[0]).toMatchObject({ metric: 'r2', rule: 'non_inferiority' });
  });

  it('is pending without labels, and refuses a log without shadow rows (exit 2)', async () => {
    const data = (await penguins()).slice(0, 60);
    // Fitted on every species: on the first 60 rows (all Adelie) the other centroids are NaN and so is every output.
    const model = centroidModel(await penguins(), ['beak', 'flipper']);
    const { requests } = requestsOf(
      data,
      (part) => ({ beak: part.map((p) => p.beak), flipper: part.map((p) => p.flipper) }),
      (part) => classifierOutputs(part, model),
      (part) => classifierOutputs(part, model),
    );
    const dir = join(tmp.dir, 'pending');
    const log = await writeShadowLog(join(dir, 'log'), 'penguins', requests);
    const pending = await compareRun(['--current', log, '--out', 'out'], dir);
    expect(pending.code).toBe(0);
    const report = await readReport(join(dir, 'out'));
    expect(report.verdict.status).toBe('pending');
    // The directory given to `serve --prediction-log`, with one model's log in it, reads that log.
    const root = await compareRun(['--current', join(dir, 'log'), '--out', 'out-root'], dir);
    expect(root.code).toBe(0);
    expect((await readReport(join(dir, 'out-root'))).rows).toEqual(report.rows);
    // With two models' logs there, it names them.
    await writeShadowLog(join(dir, 'log'), 'other', requests);
    const two = await compareRun(['--current', join(dir, 'log'), '--out', 'out-two'], dir);
    expect(two.code).toBe(2);
    expect(two.stderr.trim()).toBe(
      `modelgate: error: --current ${join(dir, 'log')}: the logs of 2 models are here: pass one of ${join(dir, 'log', 'other')}, ${join(dir, 'log', 'penguins')}.`,
    );
    // A model served from a file is in no registry: --model takes the name its log is under.
    const byName = await compareRun(
      ['--current', join(dir, 'log'), '--model', 'other', '--out', 'out-file'],
      dir,
    );
    expect(byName.code).toBe(0);
    expect((await readReport(join(dir, 'out-file'))).model).toBe('other');
    const own = await compareRun(
      ['--current', join(dir, 'log', 'other'), '--model', 'other', '--out', 'out-own'],
      dir,
    );
    expect(own.code).toBe(0);
    expect((await readReport(join(dir, 'out-own'))).rows).toEqual(report.rows);
    const unknown = await compareRun(
      ['--current', join(dir, 'log'), '--model', 'nothing', '--out', 'out-unknown'],
      dir,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      "modelgate: error: --model nothing: No model 'nothing' in registry. The registry is empty: register a model first. For a model served from a file, pass the name its log is under in --current, or leave --model out.",
    );
    expect(report.window.agreement).toBe(1);
    expect(report.gate).toBeNull();
    for (const text of INJECTION_CORPUS.slice(0, -1)) {
      const hostile = renderCompareMarkdown({
        ...report,
        model: text,
        shadowModel: `shadow ${text}`,
        versions: { production: [text], shadow: [text] },
        labels: { source: text, rows: 1, matched: 1, excluded: 0, unknown: 0 },
        notes: [{ level: 'warning', message: text }],
        chunks: report.chunks.map((c) => ({ ...c, label: text })),
      });
      expect(renderedProblems(hostile)).toEqual([]);
    }

    const plain = await writeShadowLog(
      join(dir, 'plain'),
      'penguins',
      requests.filter((r) => r.production).map((r) => ({ ...r, shadow: null })),
    );
    const refused = await compareRun(['--current', plain, '--out', 'out2'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('no shadow-<hour>Z.jsonl files');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    const orphans = await writeShadowLog(
      join(dir, 'orphans'),
      'penguins',
      requests.flatMap((r) => [
        { ...r, shadow: null },
        { ...r, id: `${r.id}-shadow`, production: null, shadow: r.production },
      ]),
    );
    const unpaired = await compareRun(['--current', orphans, '--out', 'out3'], dir);
    expect(unpaired.code).toBe(2);
    expect(unpaired.stderr).toContain('no shadow row has a production row with the same request_id and row');
    const flag = await compareRun(['--current', log, '--out', 'out3', '--reference-data', 'x.csv'], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--reference-data: not used with --compare');
    const rows = await compareRun(['--current', log, '--out', 'out3', '--chunk', 'rows:50'], dir);
    expect(rows.code).toBe(2);
    expect(rows.stderr).toContain('--chunk rows:50: --compare chunks by time');
  });
});
