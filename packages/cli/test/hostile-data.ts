// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the GitHub expression a name must not become.
import { readFile, writeFile } from 'node:fs/promises';
import { dataset } from '../../core/test/datasets.js';
import { INJECTION_CORPUS } from '../../github/test/injection.js';

/** Column names and category values a data file may carry: markup, mentions, links, shell and workflow syntax. */
export function hostileNames(marker: string): string[] {
  return [
    ...INJECTION_CORPUS.filter((text) => text.length < 1000),
    `$(touch ${marker})`,
    '${{ github.token }}',
    '@everyone hi',
    `${'n'.repeat(290)}[x](javascript:alert(1))`,
  ];
}

/** Every C0 control character but NUL, and DEL: each in a column name of its own. */
export const CONTROL_NAMES = [
  ...Array.from({ length: 31 }, (_, i) => `c${i + 1}${String.fromCharCode(i + 1)}x`),
  'del\u007fx',
  'q"uote',
  "a'pos",
];

export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => cells.map((c) => csvField(String(c))).join(',');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

interface WeatherRow {
  date: string;
  numbers: number[];
  weather: string;
}

async function seattleRows(): Promise<WeatherRow[]> {
  const [, ...lines] = (await readFile(dataset('seattle-weather.csv'), 'utf8')).trim().split('\n');
  return lines.map((line) => {
    const [date = '', precipitation, tempMax, tempMin, wind, weather = ''] = line.split(',');
    return { date, numbers: [precipitation, tempMax, tempMin, wind].map(Number), weather };
  });
}

/** Temperatures drift from 2012 to 2015; most hostile columns copy them, so the drift alert names them. */
const SOURCES = [1, 2, 1, 3, 2, 0];

export interface HostileWeather {
  /** Feature columns (hostile names), in file order after `date`. */
  features: string[];
  /** The label column, a hostile name; its classes are hostile too. */
  target: string;
  /** 2012 rows. */
  reference: string;
  /** 2015 rows, without the last feature (a missing column). */
  current: string;
  /** 2015 rows with every column, the first numeric cell of the first row a hostile text. */
  unscorable: string;
}

/** seattle-weather with hostile names for its columns and its weather classes. */
export async function writeHostileWeather(dir: string, names: readonly string[]): Promise<HostileWeather> {
  const [target = '', ...features] = names;
  const classes = new Map(
    ['drizzle', 'rain', 'sun', 'snow', 'fog'].map((w, i) => [w, names[(i * 3 + 1) % names.length] ?? w]),
  );
  const rows = await seattleRows();
  const cells = (r: WeatherRow) => [
    r.date,
    ...features.map((_, j) => r.numbers[SOURCES[j % SOURCES.length] ?? 0] ?? 0),
    classes.get(r.weather) ?? r.weather,
  ];
  const header = ['date', ...features, target];
  const of = (year: string) => rows.filter((r) => r.date.startsWith(year)).map(cells);
  const later = of('2015');
  const write = async (name: string, content: string) => {
    const path = `${dir}/${name}`;
    await writeFile(path, content);
    return path;
  };
  const dropLast = (row: (string | number)[]) => [
    ...row.slice(0, features.length),
    row[features.length + 1] ?? '',
  ];
  const unscorable = later.map((row, i) =>
    i === 0 ? [row[0] ?? '', names[3] ?? 'x', ...row.slice(2)] : row,
  );
  return {
    features,
    target,
    reference: await write('reference.csv', csv(header, of('2012'))),
    current: await write('current.csv', csv([...header.slice(0, -2), target], later.map(dropLast))),
    unscorable: await write('unscorable.csv', csv(header, unscorable)),
  };
}
