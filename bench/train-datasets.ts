import { dataset } from '../packages/core/test/datasets.js';
import type { TaskOptions } from '../packages/train/test/gbdt-data.js';

export interface BenchDataset {
  name: string;
  /** Fits per model; the reported time is the best (least disturbed by other processes). */
  repeats: number;
  /** Logistic regression fits, when fewer (scikit-learn's lbfgs takes minutes on flights). */
  logisticRepeats?: number;
  options: TaskOptions;
}

/** Real public tables from vega-datasets: binary, multiclass and regression; flights for size. */
export const BENCH_DATASETS: readonly BenchDataset[] = [
  {
    name: 'penguins species',
    repeats: 5,
    options: { path: dataset('penguins.json'), target: 'Species', task: 'multiclass' },
  },
  {
    name: 'seattle weather',
    repeats: 5,
    options: {
      path: dataset('seattle-weather.csv'),
      target: 'weather',
      task: 'multiclass',
      select: 'month(date) AS month, dayofyear(date) AS day_of_year',
      features: ['precipitation', 'temp_max', 'temp_min', 'wind', 'month', 'day_of_year'],
    },
  },
  {
    name: 'cars mpg',
    repeats: 5,
    options: {
      path: dataset('cars.json'),
      target: 'Miles_per_Gallon',
      task: 'regression',
      select: 'year("Year") AS model_year',
      features: [
        'Cylinders',
        'Displacement',
        'Horsepower',
        'Weight_in_lbs',
        'Acceleration',
        'model_year',
        'Origin',
      ],
    },
  },
  {
    name: 'flights late > 15 min',
    repeats: 3,
    logisticRepeats: 1,
    options: {
      path: dataset('flights-3m.parquet'),
      target: 'late',
      task: 'binary',
      select: flightColumns('delay > 15 AS late'),
      where: 'rowid % 7 = 0',
      features: ['distance', 'origin', 'destination', 'departure_hour', 'month', 'day_of_week'],
    },
  },
  {
    name: 'flights delay (min)',
    repeats: 3,
    options: {
      path: dataset('flights-3m.parquet'),
      target: 'delay',
      task: 'regression',
      select: flightColumns(),
      where: 'rowid % 7 = 3',
      features: ['distance', 'origin', 'destination', 'departure_hour', 'month', 'day_of_week'],
    },
  },
];

function flightColumns(extra?: string): string {
  const columns = [
    'hour(date) + minute(date) / 60 AS departure_hour',
    'month(date) AS month',
    'dayofweek(date) AS day_of_week',
  ];
  return [...columns, ...(extra ? [extra] : [])].join(', ');
}
