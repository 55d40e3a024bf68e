import { ellipsize } from '@modelgate/core';
import type { EvaluationDocument } from '../evaluate/document.js';
import { formatNumber, formatPercent } from '../gate/format.js';
import type { RuleOutcome } from '../gate/rules.js';
import { type Block, code, type Inline, type ReportSection, text } from './content.js';
import { formatPercentLevel } from './format.js';

const STATUS = { pass: '✅ pass', fail: '❌ fail', skipped: '➖ skipped' } as const;
const MAX_REASON_CHARS = 400;

function threshold(outcome: RuleOutcome): string {
  return typeof outcome.threshold === 'boolean'
    ? outcome.rule
    : `${outcome.rule} ${formatNumber(outcome.threshold)}`;
}

function ruleTable(rules: readonly RuleOutcome[]): Block {
  const sorted = [...rules].sort((a, b) => Number(b.status === 'fail') - Number(a.status === 'fail'));
  return {
    kind: 'table',
    table: {
      columns: [{ header: 'result' }, { header: 'metric' }, { header: 'rule' }, { header: 'why' }],
      rows: sorted.map((o) => [
        STATUS[o.status],
        o.metric,
        threshold(o),
        ellipsize(o.reason, MAX_REASON_CHARS),
      ]),
      limit: 200,
    },
  };
}

/** What each non-inferiority rule can resolve on this holdout: the MDE, and a warning when it exceeds the margin. */
function powerItems(rules: readonly RuleOutcome[]): Inline[][] {
  return rules.flatMap((o): Inline[][] => {
    const p = o.power;
    if (!p) return [];
    const head: Inline[] = [
      code(`${o.metric} non_inferiority ${formatNumber(o.threshold as number)}`),
      `: on ${p.rows} rows the minimum detectable effect (MDE, 80% power) is ${formatNumber(p.mde)} (standard error ${formatNumber(p.standardError)}); an equally good challenger passes ${formatPercent(p.equalPassProbability)} of the time.`,
    ];
    if (p.enough) return [[...head, ' The holdout is large enough for this margin.']];
    const rows =
      p.rowsNeeded === null ? '' : ` About ${p.rowsNeeded.toLocaleString('en-US')} rows would be enough.`;
    return [
      [
        ...head,
        ' ',
        { strong: `⚠️ Holdout too small for this margin (MDE > ${formatNumber(o.threshold as number)}):` },
        ` the gate cannot tell a challenger worse by the margin from an equal one.${rows}`,
      ],
    ];
  });
}

function mcnemarItems(doc: EvaluationDocument): Inline[][] {
  return doc.comparisons.flatMap((c): Inline[][] => {
    const m = c.mcnemar;
    if (!m) return [];
    return [
      [
        `For information, not part of the verdict: McNemar's test of whether the two ${c.metric} values differ at all gives p = ${formatNumber(m.pValue)} (${m.method === 'exact' ? 'exact binomial' : 'chi-squared with continuity correction'}; ${m.challengerOnly} rows only the challenger gets right, ${m.championOnly} only the champion). The gate asks another question: is the challenger worse by the margin or more?`,
      ],
    ];
  });
}

/** The verdict: one row per rule with its reason, where the rules came from, and what this holdout can resolve. */
export function gateSection(doc: EvaluationDocument): ReportSection {
  const { gate } = doc;
  const blocks: Block[] = [];
  if (gate.note) blocks.push(text(gate.note.charAt(0).toUpperCase() + gate.note.slice(1), '.'));
  if (gate.rules.length === 0) {
    if (!gate.note)
      blocks.push(text('No gate rules are configured (gate: in modelgate.yaml), so the gate passes.'));
    return { title: 'Gate', collapsed: false, blocks };
  }
  blocks.push(ruleTable(gate.rules));
  if (gate.rules.some((o) => o.rule === 'non_inferiority' && o.status !== 'skipped')) {
    const level = formatPercentLevel(gate.level);
    const tail = formatPercentLevel((1 - gate.level) / 2);
    blocks.push(
      text(
        `Intervals are two-sided ${level}: accuracy by Tango's score interval, a binary ROC AUC by DeLong's, other metrics by a paired bootstrap. Non-inferiority passes when the lower bound of the improvement is above −margin: a one-sided test at ${tail}. See packages/evaluate/GATE.md.`,
      ),
    );
  }
  const power = powerItems(gate.rules);
  const mcnemar = mcnemarItems(doc);
  if (power.length + mcnemar.length > 0) blocks.push({ kind: 'list', items: [...power, ...mcnemar] });
  return { title: 'Gate', collapsed: false, blocks };
}
