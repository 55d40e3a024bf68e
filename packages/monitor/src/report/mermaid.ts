/** Charts with more points are cut into this many groups, each drawn at its largest value (spikes survive). */
export const MAX_CHART_POINTS = 60;

export interface ChartLine {
  /** One value per chunk; null where the chunk has none. */
  values: readonly (number | null)[];
}

export interface Chart {
  title: string;
  yLabel: string;
  labels: readonly string[];
  /** The first line is the data and decides which chunks are drawn; the others (thresholds) follow it. */
  lines: readonly ChartLine[];
}

/**
 * Text from data inside a mermaid string: quotes would end it, and the
 * fence and HTML must not open; anything but letters, digits and plain
 * punctuation becomes '?'.
 */
export function mermaidText(text: string, maxChars = 80): string {
  const safe = text.replace(/[^\p{L}\p{N} _\-.,:;/()%#'+=²σ–…]/gu, '?');
  const chars = [...safe];
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : safe;
}

function number(x: number): string {
  if (!Number.isFinite(x)) return '0';
  return String(Number(x.toPrecision(4)));
}

interface Point {
  label: string;
  values: number[];
}

/** The chunks the data line has a value for, grouped to at most `maxPoints`, each group at its maximum. */
function points(chart: Chart, maxPoints: number): Point[] {
  const [data, ...rest] = chart.lines;
  if (!data) return [];
  const present = data.values.flatMap((v, i) => (v === null || v === undefined ? [] : [i]));
  const groups = Math.min(maxPoints, present.length);
  const out: Point[] = [];
  for (let g = 0; g < groups; g++) {
    const members = present.slice(
      Math.floor((g * present.length) / groups),
      Math.floor(((g + 1) * present.length) / groups),
    );
    const first = members[0] as number;
    const best = members.reduce((a, b) => ((data.values[b] as number) > (data.values[a] as number) ? b : a));
    out.push({
      label: chart.labels[first] ?? String(first),
      values: [data.values[best] as number, ...rest.map((line) => line.values[best] ?? 0)],
    });
  }
  return out;
}

/** A mermaid xychart-beta block (GitHub renders it); null when fewer than two points remain. */
export function renderChart(chart: Chart, maxPoints = MAX_CHART_POINTS): string | null {
  const drawn = points(chart, maxPoints);
  if (drawn.length < 2) return null;
  const labels = drawn.map((p) => `"${mermaidText(p.label, 24)}"`).join(', ');
  const lines = chart.lines.map(
    (_, j) => `  line [${drawn.map((p) => number(p.values[j] ?? 0)).join(', ')}]`,
  );
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidText(chart.title)}"`,
    `  x-axis [${labels}]`,
    `  y-axis "${mermaidText(chart.yLabel, 40)}"`,
    ...lines,
    '```',
  ].join('\n');
}
