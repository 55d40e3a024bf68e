import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { categoricalBins } from '../packages/train/src/gbdt/index.js';
import type { ProblemSpec, TrainingSet } from '../packages/train/src/types.js';
import type { PreparedTask } from '../packages/train/test/gbdt-data.js';

/**
 * Writes the exact splits our trainers saw as CSV for bench/train_sklearn.py:
 * numeric values as they are ('nan' when missing), categorical columns as the
 * gbdt's category bins (the same cap on categories scikit-learn has), the
 * target as a class index or a value; plus meta.json with the feature kinds.
 */
export async function writeSplitsCsv(dir: string, task: PreparedTask, maxCatBins: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const bins = task.spec.features.map((feature, f) => {
    const column = task.train.features[f];
    if (feature.kind !== 'categorical' || !column || !('codes' in column)) return undefined;
    return categoricalBins(column.codes, feature.categories?.length ?? 0, maxCatBins).categoryBins;
  });
  for (const [name, set] of [
    ['train', task.train],
    ['validation', task.validation],
    ['test', task.test],
  ] as const) {
    await writeFile(join(dir, `${name}.csv`), toCsv(task.spec, set, bins));
  }
  const meta = {
    task: task.spec.task,
    classes: task.spec.classes ?? [],
    categorical: task.spec.features.map((f) => f.kind === 'categorical'),
    features: task.spec.features.map((f) => f.name),
  };
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
}

function toCsv(spec: ProblemSpec, set: TrainingSet, bins: readonly (Int32Array | undefined)[]): string {
  const lines: string[] = [[...spec.features.map((_, f) => `f${f}`), 'y'].join(',')];
  const cells: string[] = new Array(spec.features.length + 1);
  for (let i = 0; i < set.rows; i++) {
    set.features.forEach((column, f) => {
      if ('codes' in column) {
        const code = column.codes[i] as number;
        const map = bins[f] as Int32Array;
        cells[f] = code >= 0 && code < map.length ? String(map[code]) : 'nan';
      } else {
        const v = column.values[i] as number;
        cells[f] = column.valid[i] === 1 && !Number.isNaN(v) ? String(v) : 'nan';
      }
    });
    cells[spec.features.length] = String(set.target[i]);
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}
