import type { EvaluationDocument, SliceEntry } from '../evaluate/document.js';
import { improvement } from '../gate/direction.js';
import { formatSigned } from '../gate/format.js';
import { type Cell, code, type ReportSection, text } from './content.js';
import { formatMetric, plural } from './format.js';

/** Slices the comment lists outright; the rest fold away. */
const TOP_SLICES = 10;
const ALL_SLICES = 200;

interface ScoredSlice {
  entry: SliceEntry;
  /** Positive = better: vs the champion, or (no champion) vs the whole holdout. */
  change: number;
}

function scored(doc: EvaluationDocument): ScoredSlice[] {
  const metric = doc.slices.metric;
  const overall = doc.metrics[metric];
  return doc.slices.entries.flatMap((entry) => {
    const mine = entry.challenger?.[metric];
    if (typeof mine !== 'number') return [];
    const base = doc.champion ? entry.champion?.[metric] : overall;
    return typeof base === 'number' ? [{ entry, change: improvement(metric, mine, base) }] : [];
  });
}

function sliceName(entry: SliceEntry): Cell[] {
  return [code(entry.column), code(entry.value)];
}

function topTable(doc: EvaluationDocument, worse: ScoredSlice[]) {
  const metric = doc.slices.metric;
  return {
    kind: 'table' as const,
    table: {
      columns: [
        { header: 'column' },
        { header: 'slice' },
        { header: 'rows', align: 'right' as const },
        { header: doc.champion ? `champion ${metric}` : `${metric} (all rows)`, align: 'right' as const },
        { header: `challenger ${metric}`, align: 'right' as const },
        { header: 'change', align: 'right' as const },
      ],
      rows: worse.map(({ entry, change }): Cell[] => [
        ...sliceName(entry),
        String(entry.count),
        formatMetric(doc.champion ? entry.champion?.[metric] : doc.metrics[metric]),
        formatMetric(entry.challenger?.[metric]),
        formatSigned(change),
      ]),
      limit: TOP_SLICES,
    },
  };
}

function allTable(doc: EvaluationDocument) {
  const metric = doc.slices.metric;
  const withChampion = doc.champion !== null;
  return {
    kind: 'table' as const,
    table: {
      columns: [
        { header: 'column' },
        { header: 'slice' },
        { header: 'rows', align: 'right' as const },
        ...(withChampion ? [{ header: `champion ${metric}`, align: 'right' as const }] : []),
        { header: `challenger ${metric}`, align: 'right' as const },
      ],
      rows: doc.slices.entries.map((entry): Cell[] => [
        ...sliceName(entry),
        String(entry.count),
        ...(withChampion ? [entry.tooSmall ? 'too small' : formatMetric(entry.champion?.[metric])] : []),
        entry.tooSmall ? 'too small' : formatMetric(entry.challenger?.[metric]),
      ]),
      limit: ALL_SLICES,
    },
  };
}

/**
 * The slices where the challenger does worse (than the champion, or without
 * one than on the whole holdout), worst first; every slice folded below.
 */
export function slicesSection(doc: EvaluationDocument): ReportSection[] {
  const { slices } = doc;
  const metric = slices.metric;
  if (slices.entries.length === 0) {
    return [{ title: 'Slices', collapsed: false, blocks: [text('No slice columns were evaluated.')] }];
  }
  const small = slices.entries.filter((s) => s.tooSmall).length;
  const compared = scored(doc);
  const worse = compared.filter((s) => s.change < 0).sort((a, b) => a.change - b.change);
  const counts = `${plural(slices.entries.length, 'slice')} of ${plural(slices.columns.length, 'column')} (${plural(slices.bins, 'quantile bin')} per numeric column); ${plural(small, 'slice')} under ${slices.minSize} rows ${small === 1 ? 'is' : 'are'} listed, not scored.`;
  const title = doc.champion ? 'Slices that regressed' : 'Weakest slices';
  const lead = doc.champion
    ? `${plural(worse.length, 'slice')} of ${compared.length} compared ${worse.length === 1 ? 'has' : 'have'} a lower ${metric} than the champion's (change = improvement, positive is better).`
    : `No champion to compare with: ${plural(worse.length, 'slice')} of ${compared.length} ${worse.length === 1 ? 'does' : 'do'} worse on ${metric} than the whole holdout (change = improvement over it).`;
  return [
    {
      title,
      collapsed: false,
      blocks: [text(lead), ...(worse.length > 0 ? [topTable(doc, worse)] : []), text(counts)],
    },
    { title: `All slices (${slices.entries.length})`, collapsed: true, blocks: [allTable(doc)] },
  ];
}
