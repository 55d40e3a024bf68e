import type { GateConfig } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import {
  buildEvaluation,
  type EvaluationDocument,
  evaluationSettings,
  renderEvaluation,
} from '../src/index.js';
import { simulatePair } from './gate-simulation.js';
import { fixedCosts, scored, seeded } from './synthetic.js';

function evaluate(rows: number, correlation: number, gate: GateConfig): EvaluationDocument {
  const pair = simulatePair({ rows, championAccuracy: 0.95, difference: 0 }, correlation, seeded(3));
  return buildEvaluation({
    model: 'm',
    task: 'binary',
    target: 'y',
    rules: gate,
    settings: evaluationSettings(),
    challenger: scored('challenger.onnx', pair.challenger, fixedCosts(1, 1, 1, 1), ['x']),
    champion: scored('champion-model.onnx', pair.champion, fixedCosts(1, 1, 1, 1), ['x']),
    holdout: { source: 'h', files: [], rows, droppedRows: 0, sha256: '0'.repeat(64) },
    sliceColumns: [],
  });
}

type Scored = ReturnType<typeof scored>;

/** A 69-row binary holdout judged by accuracy non-inferiority at 0.01. */
function judge(challenger: Scored, champion: Scored): EvaluationDocument {
  return buildEvaluation({
    model: 'm',
    task: 'binary',
    target: 'y',
    rules: { accuracy: { non_inferiority: 0.01 } },
    settings: evaluationSettings(),
    challenger,
    champion,
    holdout: { source: 'h', files: [], rows: 69, droppedRows: 0, sha256: '0'.repeat(64) },
    sliceColumns: [],
  });
}

describe('what the report says about the gate', () => {
  it("passes non-inferiority for the champion's own file, still saying what the holdout resolves", () => {
    const pair = simulatePair({ rows: 69, championAccuracy: 0.95, difference: 0 }, 0.5, seeded(4));
    const same = scored('model.onnx', pair.champion, fixedCosts(1, 1, 1, 1), ['x']);
    const doc = judge(same, same);
    const [rule] = doc.gate.rules;
    expect(rule?.status).toBe('pass');
    expect(rule?.reason).toBe(
      "the challenger is the champion's own file (same sha256): accuracy is the same on every row",
    );
    expect(rule?.power).toMatchObject({ rows: 69, enough: false });
    // The same sha256 on two different outputs is not the same model: the interval decides.
    const other = scored('model.onnx', pair.challenger, fixedCosts(1, 1, 1, 1), ['x']);
    const judged = judge(other, same);
    expect(judged.gate.rules[0]?.method).toBe('tango-score');
    expect(judged.gate.rules[0]?.reason).toMatch(/Tango score interval/);
  });

  it('warns, in report.md and evaluation.json, when the holdout is too small for the margin', () => {
    const doc = evaluate(200, 0.5, { accuracy: { non_inferiority: 0.01 } });
    const power = doc.gate.rules.find((o) => o.rule === 'non_inferiority')?.power;
    expect(power).toMatchObject({ rows: 200, enough: false });
    expect(power?.mde).toBeGreaterThan(0.01);
    expect(power?.rowsNeeded).toBeGreaterThan(200);
    const warning = doc.warnings.find((w) => w.includes('minimum detectable effect'));
    expect(warning).toMatch(
      /^The holdout \(200 rows\) is too small for gate\.accuracy\.non_inferiority 0\.01: its minimum detectable effect \(MDE, 80% power\) is 0\.\d+, above the margin, so an equally good challenger passes only [\d.]+% of the time\. About [\d,]+ rows would be enough\.$/,
    );
    const { markdown, json } = renderEvaluation(doc);
    expect(markdown).toContain('the minimum detectable effect (MDE, 80% power) is');
    expect(markdown).toContain('**⚠️ Holdout too small for this margin (MDE > 0.01):**');
    expect(JSON.parse(json).gate.rules[0].power.mde).toBe(power?.mde);
  });

  it('says the holdout is large enough when it is, and warns of nothing', () => {
    const doc = evaluate(5000, 0.9, { accuracy: { non_inferiority: 0.01 } });
    expect(doc.gate.rules[0]?.power).toMatchObject({ enough: true, rowsNeeded: null });
    expect(doc.warnings).toEqual([]);
    expect(renderEvaluation(doc).markdown).toContain('The holdout is large enough for this margin.');
  });

  it('shows McNemar’s test beside the verdict, not in any rule’s reason', () => {
    const doc = evaluate(200, 0.5, { accuracy: { non_inferiority: 0.01 } });
    for (const rule of doc.gate.rules) expect(rule.reason).not.toContain('McNemar');
    expect(renderEvaluation(doc).markdown).toMatch(
      /- For information, not part of the verdict: McNemar's test of whether the two accuracy values differ at all gives p = /,
    );
  });

  it('names the default gate when modelgate.yaml has none, and gate: none when written', () => {
    const byDefault = evaluate(1000, 0.5, undefined);
    expect(byDefault.gate).toMatchObject({ source: 'default', level: 0.95 });
    expect(byDefault.gate.rules.map((o) => `${o.metric}.${o.rule} ${o.threshold}`)).toEqual([
      'accuracy.non_inferiority 0.01',
    ]);
    expect(byDefault.gate.summary).toMatch(/ \(the default gate\)$/);
    expect(renderEvaluation(byDefault).markdown).toContain(
      "No gate: in modelgate.yaml, so the default gate applies: accuracy not worse than the champion's by 0.01 or more",
    );
    const none = evaluate(1000, 0.5, 'none');
    expect(none.gate).toMatchObject({ source: 'none', pass: true, rules: [] });
    expect(none.gate.summary).toBe('pass: no gate rules configured (gate: none)');
    expect(renderEvaluation(none).markdown).toContain(
      'No rules (gate: none in modelgate.yaml): every challenger passes.',
    );
  });
});
