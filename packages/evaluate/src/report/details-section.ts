import type { EvaluationDocument, ModelEntry } from '../evaluate/document.js';
import { formatNumber } from '../gate/format.js';
import { type Cell, code, type Inline, type ReportSection } from './content.js';
import { formatMetric, formatPercentLevel, plural } from './format.js';

const MAX_CONFUSION_CLASSES = 15;

function perClassSection(doc: EvaluationDocument): ReportSection | undefined {
  const classes = doc.challenger.perClass;
  if (!classes) return undefined;
  const champion = doc.champion?.perClass;
  return {
    title: `Per-class scores (${classes.length} classes)`,
    collapsed: true,
    blocks: [
      {
        kind: 'table',
        table: {
          columns: [
            { header: 'class' },
            { header: 'support', align: 'right' },
            { header: 'precision', align: 'right' },
            { header: 'recall', align: 'right' },
            { header: 'F1', align: 'right' },
            ...(champion ? [{ header: 'champion F1', align: 'right' as const }] : []),
            { header: 'ROC AUC', align: 'right' },
            { header: 'average precision', align: 'right' },
          ],
          rows: classes.map((c, k): Cell[] => [
            code(c.name),
            String(c.support),
            formatNumber(c.precision),
            formatNumber(c.recall),
            formatNumber(c.f1),
            ...(champion ? [formatMetric(champion[k]?.f1)] : []),
            formatMetric(c.rocAuc),
            formatMetric(c.averagePrecision),
          ]),
          limit: 50,
        },
      },
    ],
  };
}

function confusionSection(doc: EvaluationDocument): ReportSection | undefined {
  const matrix = doc.challenger.confusionMatrix;
  const classes = doc.challenger.perClass;
  if (!matrix || !classes) return undefined;
  const title = "Challenger's confusion matrix (rows: true class, columns: predicted)";
  if (classes.length > MAX_CONFUSION_CLASSES) {
    return {
      title,
      collapsed: true,
      blocks: [
        {
          kind: 'paragraph',
          content: [
            `${classes.length} classes are too many for a table here: evaluation.json has the matrix (challenger.confusionMatrix).`,
          ],
        },
      ],
    };
  }
  return {
    title,
    collapsed: true,
    blocks: [
      {
        kind: 'table',
        table: {
          columns: [
            { header: 'true \\ predicted' },
            ...classes.map((c) => ({ header: c.name, align: 'right' as const })),
          ],
          rows: matrix.map((row, t): Cell[] => [code(classes[t]?.name ?? ''), ...row.map(String)]),
          limit: MAX_CONFUSION_CLASSES,
        },
      },
    ],
  };
}

function methodLine(c: EvaluationDocument['comparisons'][number], configured: number): string {
  const i = c.interval;
  if ('undefined' in i) return `${c.metric}: no interval (${i.undefined})`;
  switch (i.method) {
    case 'tango-score':
      return `${c.metric}: Tango's score interval for paired proportions (Tango 1998), from ${plural(i.challengerOnly + i.championOnly, 'discordant row')} of ${i.rows}.`;
    case 'delong':
      return `${c.metric}: DeLong's paired variance of two ROC AUCs (DeLong et al. 1988), standard error ${formatNumber(i.standardError)}.`;
    case 'paired-bootstrap': {
      const refined =
        i.replicates > configured
          ? `, refined from ${configured} because the bound was within its Monte Carlo error of the margin`
          : '';
      const dropped =
        i.used < i.replicates
          ? `; ${i.replicates - i.used} left out, the metric being undefined on them`
          : '';
      return `${c.metric}: paired percentile bootstrap, ${i.replicates} resamples${refined}${dropped}; Monte Carlo error of the deciding bound ${formatNumber(i.monteCarloError)}.`;
    }
  }
}

function comparisonSection(doc: EvaluationDocument): ReportSection | undefined {
  if (!doc.champion) return undefined;
  const { bootstrap } = doc.settings;
  const items: Inline[][] = [
    [
      `Intervals: two-sided ${formatPercentLevel(bootstrap.level)} of challenger − champion on the same ${plural(doc.holdout.rows, 'holdout row')}. Bootstraps draw ${bootstrap.replicates} resamples once (seed ${bootstrap.seed}) and score every metric of both models on each.`,
    ],
    ...doc.comparisons.map((c): Inline[] => [methodLine(c, bootstrap.replicates)]),
  ];
  return { title: 'How the models were compared', collapsed: true, blocks: [{ kind: 'list', items }] };
}

function modelItems(role: string, model: ModelEntry): Inline[][] {
  return [
    [
      `${role}: `,
      code(model.label),
      ` (${formatNumber(model.bytes)} bytes, sha256 `,
      code(model.sha256),
      ')',
    ],
    [
      `${role} features (${model.features.length}): `,
      ...model.features.slice(0, 30).flatMap((f, i) => [i > 0 ? ', ' : '', code(f)]),
    ],
  ];
}

function runSection(doc: EvaluationDocument): ReportSection {
  const items: Inline[][] = [
    ...modelItems('Challenger', doc.challenger),
    ...(doc.champion ? modelItems('Champion', doc.champion) : []),
    [
      'Holdout files: ',
      ...doc.holdout.files.slice(0, 10).flatMap((f, i): Inline[] => [i > 0 ? ', ' : '', code(f)]),
      ` (sha256 `,
      code(doc.holdout.sha256),
      ')',
    ],
    [`Task: ${doc.task}, target `, code(doc.target), `; evaluation.json version ${doc.version}.`],
  ];
  return { title: 'Run details', collapsed: true, blocks: [{ kind: 'list', items }] };
}

/** What a reviewer may open: per-class scores, the confusion matrix, how intervals were made, provenance. */
export function detailSections(doc: EvaluationDocument): ReportSection[] {
  return [perClassSection(doc), confusionSection(doc), comparisonSection(doc), runSection(doc)].filter(
    (s): s is ReportSection => s !== undefined,
  );
}
