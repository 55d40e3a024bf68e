import { describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import {
  checkGateRules,
  collectGateEvidence,
  compareMetric,
  evaluateGate,
  type GateEvidence,
  type GateRules,
  NO_CHAMPION_NOTE,
  type RuleOutcome,
  tangoInterval,
  verdictExitCode,
} from '../src/index.js';
import { classificationCase, expectClose, predictionsOf, reference } from './reference.js';

const challenger = predictionsOf(classificationCase('penguins-species'));
const champion = predictionsOf(classificationCase('penguins-species-champion'));

const RULES: GateRules = {
  accuracy: { min: 0.7, non_inferiority: 0.02 },
  log_loss: { max: 0.5, min_improvement: 0.1 },
  roc_auc: { min_relative_improvement: 0.01 },
  latency_p99_ms: { max: 5 },
};

function outcome(outcomes: RuleOutcome[], metric: string, rule: string): RuleOutcome {
  const found = outcomes.find((o) => o.metric === metric && o.rule === rule);
  if (!found) throw new Error(`no outcome for ${metric}.${rule}`);
  return found;
}

describe('champion/challenger gate on the penguins models', () => {
  const evidence = collectGateEvidence({
    rules: RULES,
    challenger,
    champion,
    challengerCosts: { latency_p99_ms: { value: 3.2 } },
    championCosts: { latency_p99_ms: { value: 2.9 } },
    bootstrap: { replicates: 300, seed: 1 },
  });
  const verdict = evaluateGate(RULES, evidence);

  it('gives one outcome with a reason per configured rule', () => {
    expect(verdict.outcomes.map((o) => `${o.metric}.${o.rule}:${o.status}`)).toEqual([
      'accuracy.min:pass',
      'accuracy.non_inferiority:fail',
      'log_loss.max:pass',
      'log_loss.min_improvement:pass',
      'roc_auc.min_relative_improvement:fail',
      'latency_p99_ms.max:pass',
    ]);
    expect(verdict.pass).toBe(false);
    expect(verdict.champion).toBe(true);
    expect(verdict.summary).toBe('fail: 2 of 6 rules fail');
    expect(verdictExitCode(verdict)).toBe(1);
  });

  it('explains each rule in one line, with the numbers', () => {
    const accuracy = outcome(verdict.outcomes, 'accuracy', 'min');
    expect(accuracy.reason).toBe('accuracy 0.7664 ≥ min 0.7');
    const logLoss = outcome(verdict.outcomes, 'log_loss', 'min_improvement');
    expect(logLoss.reason).toMatch(
      /^log_loss 0\.5785 → 0\.4248 \(lower is better\): improvement \+0\.1537, needs ≥ 0\.1$/,
    );
    const auc = outcome(verdict.outcomes, 'roc_auc', 'min_relative_improvement');
    expect(auc.reason).toBe(
      'roc_auc 0.8935 → 0.8971 (higher is better): improvement +0.3953% of |0.8935|, needs ≥ 1%',
    );
    expect(outcome(verdict.outcomes, 'latency_p99_ms', 'max').reason).toBe('latency_p99_ms 3.2 ≤ max 5');
    for (const o of verdict.outcomes) expect(o.reason).not.toMatch(/NaN|undefined \(\)/);
  });

  it("judges accuracy non-inferiority on Tango's score interval, with McNemar's test kept out of it", () => {
    const rule = outcome(verdict.outcomes, 'accuracy', 'non_inferiority');
    const [low, high] = rule.interval ?? [Number.NaN, Number.NaN];
    expect(low).toBeLessThan(-0.02);
    expect(high).toBeGreaterThan(rule.improvement ?? Number.NaN);
    expect(rule.method).toBe('tango-score');
    expect(rule.reason).toMatch(
      /95% CI \[-0\.\d+, 0\.\d+\] \(Tango score interval; 5 rows only the challenger gets right, 13 only the champion\); lower bound ≤ -0\.02: may be worse by 0\.02 or more$/,
    );
    expect(rule.reason).not.toContain('McNemar');
    const m = reference.bootstrap.mcnemar;
    const comparison = evidence.comparisons?.accuracy;
    expect(comparison?.mcnemar).toMatchObject({ challengerOnly: m.b, championOnly: m.c, method: 'exact' });
    expectClose(comparison?.mcnemar?.pValue, m.exact_p, 'McNemar p');
    expect(rule.power).toMatchObject({ rows: 137, enough: false });
  });

  it('orients intervals of lower-is-better metrics so positive means better', () => {
    const comparison = compareMetric('log_loss', challenger, champion, { replicates: 200 });
    if ('undefined' in comparison.interval) throw new Error(comparison.interval.undefined);
    expect(comparison.interval.high).toBeLessThan(0);
    const rules: GateRules = { log_loss: { non_inferiority: 0 } };
    const v = evaluateGate(rules, {
      challenger: { log_loss: comparison.challenger },
      champion: { log_loss: comparison.champion },
      comparisons: { log_loss: comparison },
    });
    const rule = outcome(v.outcomes, 'log_loss', 'non_inferiority');
    expect(rule.status).toBe('pass');
    expect(rule.interval?.[0]).toBeCloseTo(-comparison.interval.high, 12);
  });

  it('refuses models that were not run on the same holdout rows', () => {
    const shorter = { ...champion, yTrue: champion.yTrue.subarray(1) } as typeof champion;
    expect(() => compareMetric('accuracy', challenger, shorter)).toThrow(
      /137 holdout rows, the champion on 136/,
    );
  });
});

describe('without a champion', () => {
  it('uses the absolute thresholds alone and says so', () => {
    const evidence = collectGateEvidence({
      rules: RULES,
      challenger,
      challengerCosts: { latency_p99_ms: { value: 3 } },
    });
    const verdict = evaluateGate(RULES, evidence);
    expect(verdict.champion).toBe(false);
    expect(verdict.pass).toBe(true);
    expect(verdict.summary).toBe(`pass: 3 of 3 rules pass; ${NO_CHAMPION_NOTE}`);
    const skipped = verdict.outcomes.filter((o) => o.status === 'skipped');
    expect(skipped.map((o) => `${o.metric}.${o.rule}`)).toEqual([
      'accuracy.non_inferiority',
      'log_loss.min_improvement',
      'roc_auc.min_relative_improvement',
    ]);
    expect(skipped[0]?.reason).toBe(
      'no champion yet: non_inferiority is not checked, absolute thresholds only',
    );
    expect(verdictExitCode(verdict)).toBe(0);
  });

  it('fails an absolute rule whose metric is undefined or was not measured', () => {
    const rules: GateRules = { roc_auc: { min: 0.8 }, model_size_mb: { max: 10 } };
    const missingClass = predictionsOf(classificationCase('penguins-species-missing-class'));
    const verdict = evaluateGate(rules, collectGateEvidence({ rules, challenger: missingClass }));
    expect(verdict.outcomes.map((o) => [o.status, o.reason])).toEqual([
      [
        'fail',
        'roc_auc is undefined (Chinstrap has no rows in y_true: one-vs-rest ROC AUC needs every class): min 0.8 cannot be checked',
      ],
      ['fail', 'model_size_mb was not measured: max 10 cannot be checked'],
    ]);
  });
});

describe('improvement rules', () => {
  const gate = (rules: GateRules, a: number, b: number, metric: 'r2' | 'mape' | 'rmse' = 'r2') =>
    evaluateGate(rules, { challenger: { [metric]: { value: a } }, champion: { [metric]: { value: b } } })
      .outcomes[0];

  it('measures relative improvement against |champion|, so a negative R² works (unlike MLflow)', () => {
    // MLflow: (-0.25 - -0.3) / -0.3 = -16.7%, a failure for a better model.
    const better = gate({ r2: { min_relative_improvement: 0.1 } }, -0.25, -0.3);
    expect(better?.status).toBe('pass');
    expect(better?.reason).toBe(
      'r2 -0.3 → -0.25 (higher is better): improvement +16.67% of |-0.3|, needs ≥ 10%',
    );
    // MLflow: (-0.35 - -0.3) / -0.3 = +16.7%, a pass for a worse model.
    expect(gate({ r2: { min_relative_improvement: 0.1 } }, -0.35, -0.3)?.status).toBe('fail');
  });

  it('turns lower-is-better metrics around', () => {
    expect(gate({ rmse: { min_improvement: 5 } }, 390, 401, 'rmse')?.status).toBe('pass');
    expect(gate({ rmse: { min_improvement: 5 } }, 410, 401, 'rmse')?.reason).toBe(
      'rmse 401 → 410 (lower is better): improvement -9, needs ≥ 5',
    );
    expect(gate({ rmse: { min_relative_improvement: 0.02 } }, 390, 401, 'rmse')?.status).toBe('pass');
  });

  it('tolerates float rounding at the threshold (0.92 - 0.90 is 0.02)', () => {
    expect(gate({ r2: { min_improvement: 0.02 } }, 0.92, 0.9)?.status).toBe('pass');
    expect(gate({ r2: { min_improvement: 0.02 } }, 0.9199, 0.9)?.status).toBe('fail');
  });

  it('requires a strictly better challenger when the champion is 0', () => {
    const same = gate({ mape: { min_relative_improvement: 0.1 } }, 0, 0, 'mape');
    expect(same?.status).toBe('fail');
    expect(same?.reason).toContain(
      'a relative improvement over 0 is undefined, so the challenger must be strictly better; it is not',
    );
    expect(gate({ r2: { min_relative_improvement: 0.1 } }, 0.01, 0)?.status).toBe('pass');
  });

  it('fails a comparison with an undefined champion metric', () => {
    const evidence: GateEvidence = {
      challenger: { roc_auc: { value: 0.9 } },
      champion: { roc_auc: { undefined: 'only negative rows in y_true: ROC needs both classes' } },
    };
    const [result] = evaluateGate({ roc_auc: { min_improvement: 0 } }, evidence).outcomes;
    expect(result?.status).toBe('fail');
    expect(result?.reason).toBe(
      "the champion's roc_auc is undefined (only negative rows in y_true: ROC needs both classes): cannot compare (min_improvement)",
    );
  });

  it('fails non-inferiority on a single measurement: there are no paired rows to put an interval on', () => {
    const evidence: GateEvidence = {
      challenger: { model_size_mb: { value: 5 } },
      champion: { model_size_mb: { value: 5.5 } },
    };
    const [result] = evaluateGate({ model_size_mb: { non_inferiority: 1 } }, evidence).outcomes;
    expect(result?.status).toBe('fail');
    expect(result?.reason).toBe(
      'model_size_mb is one measurement per model, with no paired rows to put an interval on: non_inferiority cannot be judged',
    );
  });
});

describe('per-slice non-regression', () => {
  const slices = [
    {
      column: 'Island',
      value: 'Biscoe',
      kind: 'category' as const,
      rows: Int32Array.from({ length: 60 }, (_, i) => i),
    },
    {
      column: 'Island',
      value: 'Dream',
      kind: 'category' as const,
      rows: Int32Array.from({ length: 60 }, (_, i) => i + 60),
    },
    {
      column: 'Island',
      value: 'Torgersen',
      kind: 'category' as const,
      rows: Int32Array.from({ length: 17 }, (_, i) => i + 120),
    },
  ];

  it('names the slices that regress beyond the margin and counts those too small to check', () => {
    const rules: GateRules = { accuracy: { per_slice: true, non_inferiority: 0.01 } };
    const verdict = evaluateGate(
      rules,
      collectGateEvidence({ rules, challenger, champion, slices, bootstrap: { replicates: 100 } }),
    );
    const rule = outcome(verdict.outcomes, 'accuracy', 'per_slice');
    expect(rule.status).toBe('fail');
    expect(rule.reason).toMatch(
      /^\d of 2 accuracy slices regress by more than 0\.01: Island=\w+ \(-0\.\d+\)/,
    );
    expect(rule.reason).toMatch(/; 1 too small or undefined, not checked$/);
  });

  it('passes when no slice is worse, and fails when no slices were evaluated', () => {
    const rules: GateRules = { log_loss: { per_slice: true } };
    const verdict = evaluateGate(
      rules,
      collectGateEvidence({ rules, challenger, champion, slices, bootstrap: { replicates: 100 } }),
    );
    expect(outcome(verdict.outcomes, 'log_loss', 'per_slice').status).toBe('pass');
    const none = evaluateGate(
      rules,
      collectGateEvidence({ rules, challenger, champion, bootstrap: { replicates: 100 } }),
    );
    expect(outcome(none.outcomes, 'log_loss', 'per_slice').reason).toBe(
      'per_slice needs slice columns, and no slices of log_loss were evaluated',
    );
  });
});

describe('gate rules in modelgate.yaml', () => {
  it('pass with no rules, saying none are configured', () => {
    expect(evaluateGate({}, { challenger: {} }).summary).toBe(
      `pass: no gate rules configured; ${NO_CHAMPION_NOTE}`,
    );
  });

  it('reject rules the task cannot judge, naming the key', async () => {
    await expectUserError(
      () => checkGateRules({ rmse: { max: 3 } }, 'multiclass'),
      /^gate\.rmse: rmse is a regression metric, and this is a multiclass model \(gate one of accuracy, .*, ece, or a cost metric\)\.$/,
    );
    await expectUserError(
      () => checkGateRules({ accuracy: { min: 0.9, max: 0.8 } }, 'binary'),
      /^gate\.accuracy\.min: expected min <= max \(0\.8\): no model can pass both\.$/,
    );
    await expectUserError(
      () => checkGateRules({ latency_p99_ms: { per_slice: true } }, 'binary'),
      /gate\.latency_p99_ms\.per_slice/,
    );
    expect(() => checkGateRules(RULES, 'multiclass')).not.toThrow();
  });
});

describe('every rule at its exact boundary', () => {
  const accuracy = (right: number, rows: number) => ({ value: right / rows });
  const one = (rules: GateRules, evidence: GateEvidence) => evaluateGate(rules, evidence).outcomes[0]?.status;

  it('min and max are inclusive', () => {
    const evidence = (right: number): GateEvidence => ({
      challenger: { accuracy: accuracy(right, 100) },
      rows: 100,
    });
    expect(one({ accuracy: { min: 0.57 } }, evidence(57))).toBe('pass');
    expect(one({ accuracy: { min: 0.57 } }, evidence(56))).toBe('fail');
    expect(one({ accuracy: { max: 0.57 } }, evidence(57))).toBe('pass');
    expect(one({ accuracy: { max: 0.57 } }, evidence(58))).toBe('fail');
    expect(one({ rmse: { max: 400 } }, { challenger: { rmse: { value: 400 } } })).toBe('pass');
  });

  it('min_improvement is inclusive: 82 of 100 rows against 81 improves by exactly 0.01', () => {
    // 0.82 - 0.81 is 0.009999999999999898 in floating point: one row of 100 all the same.
    const evidence = (right: number): GateEvidence => ({
      challenger: { accuracy: accuracy(right, 100) },
      champion: { accuracy: accuracy(81, 100) },
      rows: 100,
    });
    expect(one({ accuracy: { min_improvement: 0.01 } }, evidence(82))).toBe('pass');
    expect(one({ accuracy: { min_improvement: 0.01 } }, evidence(81))).toBe('fail');
  });

  it('min_relative_improvement is inclusive: 0.99 against 0.9 is 10%', () => {
    const evidence = (a: number): GateEvidence => ({
      challenger: { r2: { value: a } },
      champion: { r2: { value: 0.9 } },
    });
    expect(one({ r2: { min_relative_improvement: 0.1 } }, evidence(0.99))).toBe('pass');
    expect(one({ r2: { min_relative_improvement: 0.1 } }, evidence(0.9899))).toBe('fail');
  });

  it('non_inferiority is strict: a bound on -m, or within rounding of it, fails', () => {
    const withBound = (
      metric: 'balanced_accuracy' | 'log_loss' | 'roc_auc',
      low: number,
      high: number,
      method: 'paired-bootstrap' | 'delong',
    ): GateEvidence => ({
      challenger: { [metric]: { value: 0.8 } },
      champion: { [metric]: { value: 0.8 } },
      comparisons: {
        [metric]: {
          metric,
          challenger: { value: 0.8 },
          champion: { value: 0.8 },
          difference: { value: 0 },
          interval:
            method === 'delong'
              ? { method, low, high, level: 0.95, standardError: 0.01 }
              : {
                  method,
                  low,
                  high,
                  level: 0.95,
                  replicates: 1000,
                  used: 1000,
                  seed: 42,
                  standardError: 0.01,
                  monteCarloError: 0.001,
                },
        },
      },
      rows: 200,
    });
    const rules = { balanced_accuracy: { non_inferiority: 0.01 } };
    expect(one(rules, withBound('balanced_accuracy', -0.01, 0.02, 'paired-bootstrap'))).toBe('fail');
    expect(one(rules, withBound('balanced_accuracy', -0.010000000000000009, 0.02, 'paired-bootstrap'))).toBe(
      'fail',
    );
    expect(one(rules, withBound('balanced_accuracy', -0.009999999999999898, 0.02, 'paired-bootstrap'))).toBe(
      'fail',
    );
    expect(one(rules, withBound('balanced_accuracy', -0.0099, 0.02, 'paired-bootstrap'))).toBe('pass');
    expect(one({ roc_auc: { non_inferiority: 0.01 } }, withBound('roc_auc', -0.01, 0.02, 'delong'))).toBe(
      'fail',
    );
    expect(one({ roc_auc: { non_inferiority: 0.01 } }, withBound('roc_auc', -0.0099, 0.02, 'delong'))).toBe(
      'pass',
    );
    // Lower is better: the improvement's lower bound is -(upper bound of challenger - champion).
    expect(
      one({ log_loss: { non_inferiority: 0.01 } }, withBound('log_loss', -0.02, 0.01, 'paired-bootstrap')),
    ).toBe('fail');
    expect(
      one({ log_loss: { non_inferiority: 0.01 } }, withBound('log_loss', -0.02, 0.0099, 'paired-bootstrap')),
    ).toBe('pass');
  });

  it("non_inferiority on accuracy fails when Tango's bound sits on -m to the last bit, and passes just inside", () => {
    const counts = { challengerOnly: 9, championOnly: 12, rows: 200 };
    const { low, high } = tangoInterval(counts, 0.95);
    const evidence = (): GateEvidence => ({
      challenger: { accuracy: accuracy(150, 200) },
      champion: { accuracy: accuracy(153, 200) },
      comparisons: {
        accuracy: {
          metric: 'accuracy',
          challenger: accuracy(150, 200),
          champion: accuracy(153, 200),
          difference: { value: -3 / 200 },
          interval: { method: 'tango-score', low, high, level: 0.95, standardError: 0.02, ...counts },
        },
      },
      rows: 200,
    });
    expect(one({ accuracy: { non_inferiority: -low } }, evidence())).toBe('fail');
    expect(one({ accuracy: { non_inferiority: -low + 1e-7 } }, evidence())).toBe('pass');
    expect(one({ accuracy: { non_inferiority: -low - 1e-7 } }, evidence())).toBe('fail');
  });

  it('per_slice is inclusive: a slice worse by exactly m rows passes, one more row fails', () => {
    const slice = (right: number) => ({
      column: 'Island',
      value: 'Dream',
      kind: 'category' as const,
      count: 100,
      challenger: accuracy(right, 100),
      champion: accuracy(83, 100),
    });
    const evidence = (right: number): GateEvidence => ({
      challenger: { accuracy: accuracy(90, 200) },
      champion: { accuracy: accuracy(90, 200) },
      slices: { accuracy: [slice(right)] },
    });
    const rules: GateRules = { accuracy: { per_slice: true, non_inferiority: 0.01 } };
    const perSlice = (right: number) =>
      evaluateGate(rules, evidence(right)).outcomes.find((o) => o.rule === 'per_slice');
    expect(perSlice(82)?.status).toBe('pass');
    expect(perSlice(81)?.status).toBe('fail');
  });
});
