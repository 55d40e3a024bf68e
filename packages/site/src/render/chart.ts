import { formatMetric } from '@modelgate/registry';
import { esc } from './html.js';

export interface ChartPoint {
  /** The x label: a version, a date, a chunk. */
  x: string;
  value: number | null;
}

export interface LineChart {
  id: string;
  /** What is drawn (a metric's name), for readers of the page's markup. */
  series: string;
  title: string;
  /** What the values are (the y axis). */
  label: string;
  points: readonly ChartPoint[];
  /** A horizontal line to compare with (the holdout value, a threshold). */
  reference?: { label: string; value: number };
}

const WIDTH = 640;
const HEIGHT = 260;
const PLOT = { left: 64, top: 16, width: 556, height: 180 };
const TICKS = 4;

const round = (x: number) => Number(x.toFixed(2));

/** The values' range with a margin; a range of non-negative values (shares, errors) stays above 0. */
function yRange(values: readonly number[]): [number, number] {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = low === high ? Math.abs(low) * 0.05 || 1 : (high - low) * 0.08;
  return [low >= 0 ? Math.max(0, low - pad) : low - pad, high + pad];
}

/** Which x labels to write: about eight, evenly spaced, the last one always, none crowding it. */
function labelled(n: number): Set<number> {
  const every = Math.ceil(n / 8);
  const shown = new Set<number>();
  for (let i = 0; i < n; i += every) if (n - 1 - i >= every / 2 || i === n - 1) shown.add(i);
  shown.add(n - 1);
  return shown;
}

/**
 * An inline SVG line chart: one circle per value (its exact number in data-value, so what is drawn can be
 * checked against the source), gaps where a value is missing. Colours come from the stylesheet, so it
 * follows the light or dark theme; the figure's table gives the same numbers as text.
 */
export function lineChart(chart: LineChart): string {
  const values = chart.points.flatMap((p) => (p.value === null ? [] : [p.value]));
  if (values.length === 0) {
    return `<p class="muted">${esc(chart.title)}: no values to draw.</p>`;
  }
  const [low, high] = yRange(chart.reference ? [...values, chart.reference.value] : values);
  const n = chart.points.length;
  const xOf = (i: number) => round(PLOT.left + (n === 1 ? PLOT.width / 2 : (i / (n - 1)) * PLOT.width));
  const yOf = (v: number) => round(PLOT.top + PLOT.height * (1 - (v - low) / (high - low)));
  const parts: string[] = [];
  for (let i = 0; i <= TICKS; i++) {
    const v = low + ((high - low) * i) / TICKS;
    const y = yOf(v);
    parts.push(
      `<line class="grid" x1="${PLOT.left}" x2="${PLOT.left + PLOT.width}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${PLOT.left - 6}" y="${y + 4}" text-anchor="end">${esc(formatMetric(Number(v.toPrecision(4))))}</text>`,
    );
  }
  const shown = labelled(n);
  chart.points.forEach((p, i) => {
    if (!shown.has(i)) return;
    const anchor = n > 1 && i === 0 ? 'start' : n > 1 && i === n - 1 ? 'end' : 'middle';
    parts.push(
      `<text class="tick" x="${xOf(i)}" y="${PLOT.top + PLOT.height + 18}" text-anchor="${anchor}">${esc(p.x)}</text>`,
    );
  });
  if (chart.reference) {
    const y = yOf(chart.reference.value);
    parts.push(
      `<line class="reference" x1="${PLOT.left}" x2="${PLOT.left + PLOT.width}" y1="${y}" y2="${y}"><title>${esc(`${chart.reference.label}: ${formatMetric(chart.reference.value)}`)}</title></line>`,
    );
  }
  // Consecutive values are joined; a missing value breaks the line.
  let run: string[] = [];
  const lines: string[] = [];
  const flush = () => {
    if (run.length > 1) lines.push(`<polyline class="line" points="${run.join(' ')}"/>`);
    run = [];
  };
  const circles = chart.points.map((p, i) => {
    if (p.value === null) {
      flush();
      return '';
    }
    run.push(`${xOf(i)},${yOf(p.value)}`);
    return `<circle class="point" cx="${xOf(i)}" cy="${yOf(p.value)}" r="3.5" data-x="${esc(p.x)}" data-value="${String(p.value)}"><title>${esc(`${p.x}: ${formatMetric(p.value)}`)}</title></circle>`;
  });
  flush();
  const titleId = `${chart.id}-title`;
  return `<figure class="chart" data-series="${esc(chart.series)}">
<figcaption id="${titleId}">${esc(chart.title)}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${titleId}" data-y-low="${low}" data-y-high="${high}" data-plot="${PLOT.left} ${PLOT.top} ${PLOT.width} ${PLOT.height}">
<line class="axis" x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.top + PLOT.height}"/>
<line class="axis" x1="${PLOT.left}" x2="${PLOT.left + PLOT.width}" y1="${PLOT.top + PLOT.height}" y2="${PLOT.top + PLOT.height}"/>
${parts.join('\n')}
<text class="label" transform="translate(14 ${PLOT.top + PLOT.height / 2}) rotate(-90)" text-anchor="middle">${esc(chart.label)}</text>
${lines.join('\n')}
${circles.join('\n')}
</svg>
</figure>`;
}
