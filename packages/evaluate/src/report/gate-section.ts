import { ellipsize } from '@modelgate/core';
import type { EvaluationDocument } from '../evaluate/document.js';
import { formatNumber } from '../gate/format.js';
import type { RuleOutcome } from '../gate/rules.js';
import { type ReportSection, text } from './content.js';

const STATUS = { pass: '✅ pass', fail: '❌ fail', skipped: '➖ skipped' } as const;
const MAX_REASON_CHARS = 400;

function threshold(outcome: RuleOutcome): string {
  return typeof outcome.threshold === 'boolean'
    ? outcome.rule
    : `${outcome.rule} ${formatNumber(outcome.threshold)}`;
}

/** One row per configured rule, failures first, each with its reason. */
export function gateSection(doc: EvaluationDocument): ReportSection {
  const rules = [...doc.gate.rules].sort((a, b) => Number(b.status === 'fail') - Number(a.status === 'fail'));
  if (rules.length === 0) {
    return {
      title: 'Gate',
      collapsed: false,
      blocks: [text('No gate rules are configured (gate: in modelgate.yaml), so the gate passes.')],
    };
  }
  return {
    title: 'Gate',
    collapsed: false,
    blocks: [
      {
        kind: 'table',
        table: {
          columns: [{ header: 'result' }, { header: 'metric' }, { header: 'rule' }, { header: 'why' }],
          rows: rules.map((o) => [
            STATUS[o.status],
            o.metric,
            threshold(o),
            ellipsize(o.reason, MAX_REASON_CHARS),
          ]),
          limit: 200,
        },
      },
    ],
  };
}
