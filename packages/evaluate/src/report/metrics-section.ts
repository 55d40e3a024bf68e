import { COST_METRICS, lowerIsBetter, type MetricName, predictionMetrics } from '@modelgate/core';
import {
  type ComparisonJson,
  type EvaluationDocument,
  type MetricJson,
  metricDifference,
} from '../evaluate/document.js';
import { improvementInterval } from '../gate/direction.js';
import { formatNumber } from '../gate/format.js';
import { RULE_KINDS } from '../gate/rules.js';
import { LATENCY_ROUNDS } from '../run/costs.js';
import { type Block, type Cell, type Inline, type ReportSection, text } from './content.js';
import { formatDelta, formatInterval, formatMetric, formatPercentLevel, plural } from './format.js';

function metricLabel(metric: MetricName): string {
  return `${metric} ${lowerIsBetter(metric) ? '↓' : '↑'}`;
}

/** The configured rules of a metric, e.g. "min 0.9, non_inferiority 0.01". */
export function gateRuleSummary(doc: EvaluationDocument, metric: MetricName): string {
  const rule = doc.gate.rules.filter((o) => o.metric === metric);
  return RULE_KINDS.flatMap((kind) => {
    const found = rule.find((o) => o.rule === kind);
    if (!found) return [];
    return [typeof found.threshold === 'boolean' ? kind : `${kind} ${formatNumber(found.threshold)}`];
  }).join(', ');
}

/** Whether the interval of the improvement leaves zero behind. */
function verdictOf(comparison: ComparisonJson | undefined): string {
  if (!comparison || 'undefined' in comparison.interval) return '';
  const [low, high] = improvementInterval(
    comparison.metric,
    comparison.interval.low,
    comparison.interval.high,
  );
  if (low > 0) return 'better';
  if (high < 0) return 'worse';
  return 'within noise';
}

function undefinedNotes(doc: EvaluationDocument, metrics: readonly MetricName[]): Inline[][] {
  const notes: Inline[][] = [];
  const models = [
    ['challenger', doc.challenger.metrics],
    ...(doc.champion ? ([['champion', doc.champion.metrics]] as const) : []),
  ] as const;
  for (const metric of metrics) {
    for (const [role, values] of models) {
      const value: MetricJson | undefined = values[metric];
      if (typeof value === 'object')
        notes.push([`${metric} is undefined for the ${role}: ${value.undefined}`]);
    }
  }
  return notes;
}

function predictionTable(doc: EvaluationDocument, metrics: readonly MetricName[]): Block {
  const byMetric = new Map(doc.comparisons.map((c) => [c.metric, c]));
  const level = doc.settings.bootstrap.level;
  if (!doc.champion) {
    return {
      kind: 'table',
      table: {
        columns: [{ header: 'metric' }, { header: 'challenger', align: 'right' }, { header: 'gate' }],
        rows: metrics.map((m) => [metricLabel(m), formatMetric(doc.metrics[m]), gateRuleSummary(doc, m)]),
        limit: 100,
      },
    };
  }
  const champion = doc.champion;
  return {
    kind: 'table',
    table: {
      columns: [
        { header: 'metric' },
        { header: 'champion', align: 'right' },
        { header: 'challenger', align: 'right' },
        { header: 'Δ', align: 'right' },
        { header: `${formatPercentLevel(level)} CI of Δ` },
        { header: 'change' },
        { header: 'gate' },
      ],
      rows: metrics.map((m): Cell[] => {
        const c = byMetric.get(m);
        return [
          metricLabel(m),
          formatMetric(champion.metrics[m]),
          formatMetric(doc.metrics[m]),
          formatDelta(c?.difference ?? metricDifference(doc.metrics[m], champion.metrics[m])),
          formatInterval(c?.interval),
          verdictOf(c),
          gateRuleSummary(doc, m),
        ];
      }),
      limit: 100,
    },
  };
}

function costTable(doc: EvaluationDocument): Block {
  const champion = doc.champion;
  return {
    kind: 'table',
    table: {
      columns: [
        { header: 'cost' },
        ...(champion ? [{ header: 'champion', align: 'right' as const }] : []),
        { header: 'challenger', align: 'right' },
        { header: 'gate' },
      ],
      rows: COST_METRICS.map((m): Cell[] => [
        metricLabel(m),
        ...(champion ? [formatMetric(champion.metrics[m])] : []),
        formatMetric(doc.metrics[m]),
        gateRuleSummary(doc, m),
      ]),
      limit: 10,
    },
  };
}

function costNote(doc: EvaluationDocument): Block {
  const settings = doc.challenger.costs?.settings;
  if (!settings) return text('Costs were not measured.');
  return text(
    `Timed on the machine that ran the evaluation: latency over ${plural(settings.latencyRuns, 'single-row run')} after ${plural(settings.warmupRuns, 'warm-up run')} (the best of ${LATENCY_ROUNDS} rounds), throughput over ${plural(settings.batchRuns, 'batch', 'batches')} of ${plural(settings.batchRows, 'row')}. Timing rules judge the challenger's own measurement.`,
  );
}

function intervalList(doc: EvaluationDocument): string {
  const names = doc.comparisons.map((c) => c.metric);
  const all = predictionMetrics(doc.task).every((m) => names.includes(m));
  return all
    ? 'every metric'
    : `${names.join(', ')} (evaluate.bootstrap.metrics: all gives every metric one)`;
}

/** Champion vs challenger on every metric, with the differences and their intervals; then the costs. */
export function metricsSection(doc: EvaluationDocument): ReportSection[] {
  const metrics = predictionMetrics(doc.task);
  const notes = undefinedNotes(doc, metrics);
  const intervalNote = doc.champion
    ? [
        text(
          `Δ = challenger − champion on the same ${plural(doc.holdout.rows, 'row')}; ${formatPercentLevel(doc.settings.bootstrap.level)} intervals of ${intervalList(doc)}: Tango's score interval for accuracy, DeLong's for a binary ROC AUC, paired bootstraps (${doc.settings.bootstrap.replicates} resamples, seed ${doc.settings.bootstrap.seed}) for the rest. ↑ higher is better, ↓ lower is better.`,
        ),
      ]
    : [];
  return [
    {
      title: 'Metrics',
      collapsed: false,
      blocks: [
        predictionTable(doc, metrics),
        ...intervalNote,
        ...(notes.length > 0 ? [{ kind: 'list' as const, items: notes }] : []),
      ],
    },
    { title: 'Cost', collapsed: false, blocks: [costTable(doc), costNote(doc)] },
  ];
}
