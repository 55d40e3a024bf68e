import type { Chart } from './charts.js';
import { ROLE_COLOURS } from './palette.js';

/** Mermaid strings are double-quoted: nothing may end them or the line. */
function label(text: string): string {
  return `"${text.replace(/["\p{Cc}]/gu, ' ')}"`;
}

function number(x: number): string {
  return String(Number(x.toFixed(4)));
}

/** A Mermaid xychart-beta block: series in order, coloured by role (xychart has no legend of its own). */
export function mermaidChart(chart: Chart): string {
  const palette = chart.series.map((s) => ROLE_COLOURS[s.role].hex).join(', ');
  const init = { themeVariables: { xyChart: { plotColorPalette: palette } } };
  const x =
    'range' in chart.x
      ? `x-axis ${label(chart.x.label)} ${number(chart.x.range[0])} --> ${number(chart.x.range[1])}`
      : `x-axis ${label(chart.x.label)} [${chart.x.categories.map(label).join(', ')}]`;
  return [
    '```mermaid',
    `%%{init: ${JSON.stringify(init)}}%%`,
    'xychart-beta',
    `  title ${label(chart.title)}`,
    `  ${x}`,
    `  y-axis ${label(chart.y.label)} ${number(chart.y.range[0])} --> ${number(chart.y.range[1])}`,
    ...chart.series.map((s) => `  ${s.kind} [${s.values.map(number).join(', ')}]`),
    '```',
  ].join('\n');
}

/** The legend Mermaid's xychart lacks: "blue: challenger · red: champion". */
export function chartLegend(chart: Chart): string {
  return chart.series.map((s) => `${ROLE_COLOURS[s.role].name}: ${s.name}`).join(' · ');
}
