import { describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import {
  candidateSpace,
  type Evaluate,
  fitParzen,
  fixedTrialPoints,
  gridPoints,
  gridValues,
  logDensity,
  plannedEvaluations,
  proposeTpe,
  RandomSource,
  randomPoints,
  resolveSearch,
  rungBudget,
  rungFractions,
  runSearch,
  type SearchSettings,
  type SearchSpace,
  sampleParzen,
  type TrialPoint,
} from '../src/search/index.js';

const space: SearchSpace = [
  candidateSpace({
    algorithm: 'gbdt',
    params: { learning_rate: { loguniform: [0.01, 1] }, leaves: { int: [4, 64] }, loss: 'l2' },
  }),
  candidateSpace({
    algorithm: 'logistic',
    params: { l2: { loguniform: [1e-4, 10] }, solver: { choice: ['a', 'b'] } },
  }),
];

function settings(overrides: Partial<SearchSettings> = {}): SearchSettings {
  return { strategy: 'random', trials: 20, batch: 1, seed: 1, gridPoints: 3, startup: 5, ...overrides };
}

describe('grid', () => {
  it('spaces values evenly, on a log scale for loguniform, ends included', () => {
    expect(gridValues({ kind: 'uniform', low: 0, high: 1 }, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gridValues({ kind: 'loguniform', low: 0.001, high: 10 }, 5)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(gridValues({ kind: 'int', low: 1, high: 3 }, 5)).toEqual([1, 2, 3]);
    expect(gridValues({ kind: 'int', low: 0, high: 100 }, 3)).toEqual([0, 50, 100]);
    expect(gridValues({ kind: 'choice', values: ['x', true, 2] }, 3)).toEqual(['x', true, 2]);
  });

  it('enumerates every combination of every candidate exactly once, in order', () => {
    const points = gridPoints(space, 2);
    expect(points).toEqual([
      { candidate: 0, params: { learning_rate: 0.01, leaves: 4, loss: 'l2' } },
      { candidate: 0, params: { learning_rate: 0.01, leaves: 64, loss: 'l2' } },
      { candidate: 0, params: { learning_rate: 1, leaves: 4, loss: 'l2' } },
      { candidate: 0, params: { learning_rate: 1, leaves: 64, loss: 'l2' } },
      { candidate: 1, params: { l2: 0.0001, solver: 'a' } },
      { candidate: 1, params: { l2: 0.0001, solver: 'b' } },
      { candidate: 1, params: { l2: 10, solver: 'a' } },
      { candidate: 1, params: { l2: 10, solver: 'b' } },
    ]);
  });

  it('is the default for a discrete space, and refuses a grid larger than trials', async () => {
    const discrete = [candidateSpace({ algorithm: 'gbdt', params: { depth: { choice: [2, 4, 6] } } })];
    expect(resolveSearch(undefined, discrete, 42)).toMatchObject({ strategy: 'grid', trials: 3, seed: 42 });
    expect(resolveSearch(undefined, space, 42)).toMatchObject({ strategy: 'random', trials: 20 });
    await expectUserError(
      () => resolveSearch({ strategy: 'grid', trials: 4 }, space, 1),
      /the grid has 15 points but trials is 4/,
    );
  });
});

describe('random search', () => {
  it('gives the same trials for the same seed and others for another seed', () => {
    const a = fixedTrialPoints(space, settings({ seed: 7 }));
    expect(fixedTrialPoints(space, settings({ seed: 7 }))).toEqual(a);
    expect(fixedTrialPoints(space, settings({ seed: 8 }))).not.toEqual(a);
    expect(a).toHaveLength(20);
  });

  it('draws inside every range, whole numbers for int, both candidates', () => {
    const points = randomPoints(space, 300, new RandomSource(3));
    const gbdt = points.filter((p) => p.candidate === 0).map((p) => p.params);
    const logistic = points.filter((p) => p.candidate === 1).map((p) => p.params);
    expect(gbdt.length).toBeGreaterThan(100);
    expect(logistic.length).toBeGreaterThan(100);
    for (const p of gbdt) {
      expect(p.learning_rate).toBeGreaterThanOrEqual(0.01);
      expect(p.learning_rate).toBeLessThanOrEqual(1);
      expect(Number.isInteger(p.leaves)).toBe(true);
      expect(p.loss).toBe('l2');
    }
    // loguniform: about as many draws below 0.1 as above.
    const low = gbdt.filter((p) => Number(p.learning_rate) < 0.1).length;
    expect(low / gbdt.length).toBeGreaterThan(0.35);
    expect(low / gbdt.length).toBeLessThan(0.65);
    expect(new Set(logistic.map((p) => p.solver))).toEqual(new Set(['a', 'b']));
  });

  it('does not repeat a point of a small discrete space until it runs out', () => {
    const small = [candidateSpace({ algorithm: 'gbdt', params: { depth: { choice: [2, 4, 6] } } })];
    const points = randomPoints(small, 3, new RandomSource(1));
    expect(new Set(points.map((p) => p.params.depth)).size).toBe(3);
  });
});

describe('Parzen estimator', () => {
  it('is a density on its interval and samples inside it', () => {
    const parzen = fitParzen([0.2, 0.25, 0.9], 0, 1);
    let integral = 0;
    const steps = 2000;
    for (let i = 0; i < steps; i++) integral += Math.exp(logDensity(parzen, (i + 0.5) / steps)) / steps;
    expect(integral).toBeCloseTo(1, 2);
    const random = new RandomSource(5);
    const draws = Array.from({ length: 500 }, () => sampleParzen(parzen, random));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1);
    // Mass gathers near the observations.
    expect(draws.filter((x) => x < 0.4).length).toBeGreaterThan(
      draws.filter((x) => x > 0.4 && x < 0.8).length,
    );
  });
});

/** A synthetic objective over the mixed space: gbdt near lr 0.1 and 40 leaves is best. */
function syntheticLoss(point: TrialPoint): number {
  const p = point.params;
  if (point.candidate === 1) return 1 + 0.1 * Math.abs(Math.log10(Number(p.l2)));
  return (Math.log10(Number(p.learning_rate)) + 1) ** 2 + ((Number(p.leaves) - 40) / 30) ** 2;
}

const syntheticEvaluate: Evaluate = async (requests) =>
  requests.map((r) => ({ status: 'ok', value: syntheticLoss(r.point), durationMs: 0 }));

const objective = { lowerIsBetter: true, hasBudget: () => true };

async function bestLoss(strategy: 'random' | 'tpe', seed: number): Promise<number> {
  const result = await runSearch(
    space,
    settings({ strategy, trials: 40, seed, startup: 10 }),
    objective,
    syntheticEvaluate,
  );
  const best = result.trials.find((t) => t.id === result.best);
  return best?.rungs[0]?.value ?? Number.POSITIVE_INFINITY;
}

describe('TPE', () => {
  it('beats random search on a synthetic objective across seeds', async () => {
    const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
    const tpe = await Promise.all(seeds.map((s) => bestLoss('tpe', s)));
    const random = await Promise.all(seeds.map((s) => bestLoss('random', s)));
    // TPE can lock on to the wrong candidate when its first draws mislead it, so compare medians.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length / 2] ?? 0;
    expect(median(tpe)).toBeLessThan(median(random) * 0.3);
    expect(seeds.filter((_, i) => (tpe[i] ?? 0) < (random[i] ?? 0)).length).toBeGreaterThanOrEqual(9);
  });

  it('is deterministic for a seed, and proposes from the good region', async () => {
    const run = () =>
      runSearch(space, settings({ strategy: 'tpe', trials: 25, seed: 9 }), objective, syntheticEvaluate);
    const [a, b] = [await run(), await run()];
    expect(b.trials.map((t) => t.point)).toEqual(a.trials.map((t) => t.point));
    const observations = a.trials.map((t) => ({ point: t.point, loss: t.rungs[0]?.value ?? 0 }));
    const proposals = Array.from({ length: 30 }, (_, i) =>
      proposeTpe(space, observations, new RandomSource(100 + i), { startup: 5 }),
    );
    expect(proposals.filter((p) => p.candidate === 0).length).toBeGreaterThan(20);
  });

  it('proposes a batch per round of `parallel`, with results that depend on it', async () => {
    const one = await runSearch(
      space,
      settings({ strategy: 'tpe', trials: 16, batch: 1 }),
      objective,
      syntheticEvaluate,
    );
    const four = await runSearch(
      space,
      settings({ strategy: 'tpe', trials: 16, batch: 4 }),
      objective,
      syntheticEvaluate,
    );
    expect(four.trials).toHaveLength(16);
    expect(one.trials.slice(0, 4).map((t) => t.point)).toEqual(four.trials.slice(0, 4).map((t) => t.point));
  });
});

describe('successive halving', () => {
  it('builds rungs from the full budget down by eta to min_budget', () => {
    expect(rungFractions(undefined)).toEqual([1]);
    expect(rungFractions({ minBudget: 0.1, eta: 3 })).toEqual([1 / 9, 1 / 3, 1]);
    expect(rungFractions({ minBudget: 0.25, eta: 2 })).toEqual([0.25, 0.5, 1]);
    expect(rungFractions({ minBudget: 1, eta: 3 })).toEqual([1]);
    expect(rungBudget(300, 1 / 9)).toBe(33);
    expect(rungBudget(300, 1)).toBeUndefined();
    expect(rungBudget(undefined, 0.1)).toBeUndefined();
    expect(plannedEvaluations(27, { minBudget: 0.1, eta: 3 })).toBe(27 + 9 + 3);
  });

  it('starts every trial on the min budget and promotes the best 1/eta each rung', async () => {
    const seen: { id: number; fraction: number }[] = [];
    const evaluate: Evaluate = async (requests) =>
      requests.map((r) => {
        seen.push({ id: r.id, fraction: r.fraction });
        // More budget helps everyone equally; the ranking is the point's.
        return { status: 'ok', value: syntheticLoss(r.point) - r.fraction, durationMs: 1 };
      });
    const result = await runSearch(
      space.slice(0, 1),
      settings({ trials: 27, halving: { minBudget: 0.1, eta: 3 } }),
      objective,
      evaluate,
    );
    expect(seen.filter((s) => s.fraction === 1 / 9)).toHaveLength(27);
    expect(seen.filter((s) => s.fraction === 1 / 3)).toHaveLength(9);
    expect(seen.filter((s) => s.fraction === 1)).toHaveLength(3);
    expect(result.trials.filter((t) => t.status === 'ok')).toHaveLength(3);
    expect(result.trials.filter((t) => t.status === 'stopped')).toHaveLength(24);
    const firstRung = [...result.trials].sort((a, b) => (a.rungs[0]?.value ?? 0) - (b.rungs[0]?.value ?? 0));
    expect(firstRung.slice(0, 3).map((t) => t.status)).toEqual(['ok', 'ok', 'ok']);
    expect(result.best).toBe(firstRung[0]?.id);
  });

  it('carries a trainer without a budget up the rungs without running it again', async () => {
    let calls = 0;
    const evaluate: Evaluate = async (requests) =>
      requests.map(() => {
        calls++;
        return { status: 'ok', value: 0.5, durationMs: 1 };
      });
    const one = [candidateSpace({ algorithm: 'logistic', params: { l2: 1 } })];
    const result = await runSearch(
      one,
      settings({ trials: 1, halving: { minBudget: 0.25, eta: 2 } }),
      { lowerIsBetter: true, hasBudget: () => false },
      evaluate,
    );
    expect(calls).toBe(1);
    expect(result.trials[0]?.rungs.map((r) => r.carried ?? false)).toEqual([false, true, true]);
    expect(result.best).toBe(0);
  });
});

describe('runSearch', () => {
  it('records failures and non-finite metrics, and picks the best of the rest', async () => {
    const evaluate: Evaluate = async (requests) =>
      requests.map((r) =>
        r.id === 0
          ? { status: 'failed', error: 'boom', durationMs: 1 }
          : r.id === 1
            ? { status: 'ok', value: Number.NaN, durationMs: 1 }
            : { status: 'ok', value: r.id, durationMs: 1 },
      );
    const result = await runSearch(
      space,
      settings({ trials: 5 }),
      { lowerIsBetter: false, hasBudget: () => true },
      evaluate,
    );
    expect(result.trials.map((t) => t.status)).toEqual(['failed', 'failed', 'ok', 'ok', 'ok']);
    expect(result.trials[1]?.rungs[0]?.error).toMatch(/NaN/);
    expect(result.best).toBe(4);
  });

  it('has no best when every trial fails', async () => {
    const result = await runSearch(space, settings({ trials: 3 }), objective, async (requests) =>
      requests.map(() => ({ status: 'failed', error: 'x', durationMs: 0 })),
    );
    expect(result.best).toBeUndefined();
  });
});
