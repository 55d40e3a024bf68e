import { markdownCode, markdownLine, markdownText, renderMarkdownTable, type Table } from '@modelgate/core';
import { formatStatistic } from '../drift/format.js';
import { percent } from '../report/format.js';
import type { ComparedChunk, OnlineRuleOutcome, ShadowComparison } from './types.js';

/** Marks the report's first line, so a comment or PR section holding it is found and replaced in place. */
export const COMPARE_HEADING = '### Online comparison: production and shadow on the same requests';

const dash = '–';
/** Chunks shown in the table, the latest: the report must fit a pull request comment. */
const MAX_CHUNK_ROWS = 168;
const num = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? dash : formatStatistic(x);
const ms = (x: number | null | undefined) => (x === null || x === undefined ? dash : `${num(x)} ms`);
const count = (n: number) => n.toLocaleString('en-US');

const STATUS = { pass: '✅ pass', fail: '❌ fail', pending: '⏳ pending' } as const;
const RULE_STATUS = { pass: '✅ pass', fail: '❌ fail', skipped: '➖ skipped' } as const;

/**
 * Agreement as a percentage with enough decimals that any disagreement shows: 1 row in 174 is
 * 99.43%, not a rounded 99% (or 100%).
 */
export function agreementPercent(share: number): string {
  if (share >= 1 || share < 0.9) return percent(share);
  const disagreeing = (1 - share) * 100;
  const decimals = Math.min(4, Math.max(1, Math.ceil(-Math.log10(disagreeing) - 1e-9) + 1));
  return `${(100 - disagreeing).toFixed(decimals)}%`;
}

function outputsCell(c: ComparedChunk): string {
  if (c.difference) {
    const d = c.difference;
    return `mean ${num(d.mean)}, |mean| ${num(d.meanAbsolute)}, p5–p95 ${num(d.p5)}…${num(d.p95)}`;
  }
  return c.agreement === null ? dash : agreementPercent(c.agreement);
}

function driftCell(c: ComparedChunk): string {
  const tested = c.drift.evaluated;
  if (tested === 0) return c.rows < 30 ? 'too few rows' : 'not tested';
  return `${c.drift.drift ? 'drift' : 'stable'} (${c.drift.drifted} of ${tested} outputs)`;
}

function metricsCell(c: ComparedChunk, primary: string | undefined): string {
  if (!c.metrics || !primary) return c.labeled > 0 ? String(c.labeled) : dash;
  const key = primary as keyof typeof c.metrics.production;
  return `${count(c.labeled)}: ${num(c.metrics.production[key])} → ${num(c.metrics.shadow[key])}`;
}

function chunkTable(report: ShadowComparison, rows: readonly ComparedChunk[]): Table {
  const regression = report.task === 'regression';
  const primary = regression ? 'r2' : 'accuracy';
  return {
    columns: [
      { header: 'chunk' },
      { header: 'paired rows', align: 'right' },
      { header: regression ? 'shadow − production' : 'agreement', align: 'right' },
      { header: 'output drift' },
      { header: 'production p99', align: 'right' },
      { header: 'shadow p99', align: 'right' },
      { header: `labeled: ${primary} production → shadow`, align: 'right' },
      { header: 'gate' },
    ],
    rows: rows.map((c) => [
      c.label,
      count(c.rows),
      outputsCell(c),
      driftCell(c),
      ms(c.latency.production?.p99Ms),
      ms(c.latency.shadow?.p99Ms),
      metricsCell(c, primary),
      c.gate
        ? STATUS[c.gate.pass ? 'pass' : 'fail']
        : c === report.window
          ? STATUS[report.verdict.status]
          : dash,
    ]),
  };
}

function ruleRow(o: OnlineRuleOutcome): string[] {
  return [
    markdownCode(o.metric),
    o.rule,
    RULE_STATUS[o.status],
    o.interval ? `[${num(o.interval[0])}, ${num(o.interval[1])}]` : dash,
    o.power ? num(o.power.mde) : dash,
    markdownText(o.reason),
  ];
}

function gateSection(report: ShadowComparison): string {
  const { gate } = report;
  if (!gate) return `#### Online gate\n\n${markdownLine(markdownText(report.verdict.summary))}`;
  const table = renderMarkdownTable({
    columns: [
      { header: 'metric', markdown: true },
      { header: 'rule' },
      { header: 'status' },
      { header: 'improvement CI' },
      { header: 'MDE', align: 'right' },
      { header: 'reason', markdown: true },
    ],
    rows: gate.outcomes.map(ruleRow),
  });
  const short = gate.outcomes.flatMap((o) =>
    o.power && !o.power.enough && o.power.rowsNeeded !== null
      ? [
          `- ${markdownCode(o.metric)} ${o.rule}: ${count(o.power.rows)} labeled rows resolve differences of ${num(o.power.mde)} (MDE); about ${count(o.power.rowsNeeded)} would resolve the margin.`,
        ]
      : [],
  );
  const note = [
    ...(short.length > 0 ? [short.join('\n')] : []),
    ...(gate.note ? [markdownLine(markdownText(gate.note))] : []),
  ]
    .map((n) => `\n\n${n}`)
    .join('');
  return `#### Online gate (the holdout gate's statistics on ${count(report.window.labeled)} labeled live rows both models scored)\n\n${gate.outcomes.length > 0 ? table : '*No gate rules applied.*'}${note}`;
}

function latencyLine(report: ShadowComparison): string {
  const { production, shadow } = report.window.latency;
  const p = production
    ? `production p99 ${ms(production.p99Ms)} over ${count(production.requests)} answers (the server's histograms)`
    : 'production latency not logged';
  const s = shadow
    ? `shadow p50 ${ms(shadow.p50Ms)}, p99 ${ms(shadow.p99Ms)} over ${count(shadow.requests)} shadowed requests (its scoring time, off the request path)`
    : 'shadow latency not logged';
  return `**Latency:** ${markdownText(p)}; ${markdownText(s)}.`;
}

/** The comparison as GitHub Markdown: verdict, counts, the window and each chunk, the gate's rules. */
/** ` of <model>` where the shadow is another model than the production's. */
function shadowModel({ model, shadowModel }: ShadowComparison): string {
  return shadowModel !== null && shadowModel !== model ? ` of ${markdownCode(shadowModel)}` : '';
}

export function renderCompareMarkdown(report: ShadowComparison): string {
  const versions = (v: string[]) => (v.length > 0 ? v.map((x) => markdownCode(x)).join(', ') : dash);
  const { rows } = report;
  const labels = report.labels
    ? `**Labels:** ${markdownText(report.labels.source)}: ${count(report.labels.matched)} paired rows labeled; ${count(report.labels.excluded)} labels for rows only one model scored, left out.`
    : '**Labels:** none yet (pass --labels to judge the shadow with the gate).';
  const parts = [
    COMPARE_HEADING,
    '',
    `**Verdict: ${STATUS[report.verdict.status]}** — ${markdownText(report.verdict.summary)}`,
    '',
    `**Model:** ${report.model ? markdownCode(report.model) : dash}, production ${versions(report.versions.production)}, shadow ${versions(report.versions.shadow)}${shadowModel(report)}  `,
    `**Rows:** ${count(rows.paired)} scored by both; ${count(rows.productionOnly)} by production only, ${count(rows.shadowOnly)} by the shadow only  `,
    `${labels}  `,
    latencyLine(report),
    '',
    renderMarkdownTable(chunkTable(report, [report.window, ...report.chunks.slice(-MAX_CHUNK_ROWS)])),
    ...(report.chunks.length > MAX_CHUNK_ROWS
      ? [
          '',
          `*The last ${MAX_CHUNK_ROWS} of ${count(report.chunks.length)} chunks; every one is in compare.json.*`,
        ]
      : []),
    '',
    gateSection(report),
  ];
  if (report.notes.length > 0) {
    parts.push('', ...report.notes.map((n) => `- ${n.level}: ${markdownLine(markdownText(n.message))}`));
  }
  return `${parts.join('\n')}\n`;
}
