import { escapeHtml } from '@modelgate/core';
import { formatNumber } from '../gate/format.js';
import type { Chart, ChartSeries } from './charts.js';
import { ROLE_COLOURS } from './palette.js';

const WIDTH = 440;
const HEIGHT = 300;
const MARGIN = { left: 52, right: 16, top: 28, bottom: 64 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const TICKS = 5;

const round = (x: number) => Number(x.toFixed(2));

function positions(chart: Chart, n: number): number[] {
  if ('range' in chart.x) {
    return Array.from({ length: n }, (_, i) => MARGIN.left + (n === 1 ? 0 : (i / (n - 1)) * PLOT_W));
  }
  const band = PLOT_W / Math.max(1, n);
  return Array.from({ length: n }, (_, i) => MARGIN.left + band * (i + 0.5));
}

function yOf(chart: Chart, value: number): number {
  const [low, high] = chart.y.range;
  const t = high === low ? 0 : (value - low) / (high - low);
  return MARGIN.top + PLOT_H * (1 - Math.min(1, Math.max(0, t)));
}

function seriesSvg(chart: Chart, s: ChartSeries, index: number, bars: number): string {
  const colour = ROLE_COLOURS[s.role].hex;
  const xs = positions(chart, s.values.length);
  if (s.kind === 'bar') {
    const band = PLOT_W / Math.max(1, s.values.length);
    const width = (band * 0.8) / Math.max(1, bars);
    return s.values
      .map((v, i) => {
        const x = (xs[i] as number) - band * 0.4 + width * index;
        const y = yOf(chart, v);
        return `<rect x="${round(x)}" y="${round(y)}" width="${round(width)}" height="${round(MARGIN.top + PLOT_H - y)}" fill="${colour}"/>`;
      })
      .join('');
  }
  const points = s.values.map((v, i) => `${round(xs[i] as number)},${round(yOf(chart, v))}`).join(' ');
  const dash = s.role === 'reference' ? ' stroke-dasharray="4 3"' : '';
  return `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`;
}

function axes(chart: Chart): string {
  const [low, high] = chart.y.range;
  const parts: string[] = [
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + PLOT_H}" x2="${MARGIN.left + PLOT_W}" y2="${MARGIN.top + PLOT_H}" stroke="#6b7280"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + PLOT_H}" stroke="#6b7280"/>`,
  ];
  for (let i = 0; i <= TICKS; i++) {
    const value = low + ((high - low) * i) / TICKS;
    const y = round(yOf(chart, value));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + PLOT_W}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(formatNumber(Number(value.toPrecision(6))))}</text>`,
    );
  }
  const bottom = MARGIN.top + PLOT_H + 16;
  if ('range' in chart.x) {
    const [a, b] = chart.x.range;
    for (let i = 0; i <= TICKS; i++) {
      const x = round(MARGIN.left + (PLOT_W * i) / TICKS);
      parts.push(
        `<text x="${x}" y="${bottom}" text-anchor="middle">${escapeHtml(formatNumber(Number((a + ((b - a) * i) / TICKS).toPrecision(6))))}</text>`,
      );
    }
  } else {
    const xs = positions(chart, chart.x.categories.length);
    const every = Math.ceil(chart.x.categories.length / 10);
    chart.x.categories.forEach((category, i) => {
      if (i % every === 0) {
        parts.push(
          `<text x="${round(xs[i] as number)}" y="${bottom}" text-anchor="middle">${escapeHtml(category)}</text>`,
        );
      }
    });
  }
  parts.push(
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${bottom + 18}" text-anchor="middle">${escapeHtml(chart.x.label)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(chart.y.label)}</text>`,
  );
  return parts.join('');
}

function legend(chart: Chart): string {
  let x = MARGIN.left;
  return chart.series
    .map((s) => {
      const item = `<rect x="${x}" y="${HEIGHT - 14}" width="10" height="10" fill="${ROLE_COLOURS[s.role].hex}"/><text x="${x + 14}" y="${HEIGHT - 5}">${escapeHtml(s.name)}</text>`;
      x += 24 + 7 * s.name.length;
      return item;
    })
    .join('');
}

/** An inline SVG drawing of the chart: no script, no external reference. */
export function svgChart(chart: Chart): string {
  const bars = chart.series.filter((s) => s.kind === 'bar');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(chart.title)}" font-family="system-ui, sans-serif" font-size="11" fill="#374151">`,
    `<text x="${WIDTH / 2}" y="16" text-anchor="middle" font-size="13" font-weight="600">${escapeHtml(chart.title)}</text>`,
    axes(chart),
    ...chart.series.map((s) => seriesSvg(chart, s, bars.indexOf(s), bars.length)),
    legend(chart),
    '</svg>',
  ].join('');
}
