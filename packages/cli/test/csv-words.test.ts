import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { runCli } from './run-cli.js';

const temp = useTempDir('cli-csv-words');

interface Penguin {
  Island: string;
  'Beak Length (mm)': number | null;
  'Flipper Length (mm)': number | null;
  'Body Mass (g)': number | null;
}

/** Penguins as a CSV a user might keep: a yes/no target and a true/false flag column. */
async function penguinsWithWords(): Promise<string> {
  const penguins = JSON.parse(await readFile(dataset('penguins.json'), 'utf8')) as Penguin[];
  const rows = penguins
    .filter((p) => p['Body Mass (g)'] !== null && p['Beak Length (mm)'] !== null)
    .map((p) =>
      [
        p['Beak Length (mm)'],
        p['Flipper Length (mm)'],
        p.Island === 'Dream' ? 'true' : 'false',
        (p['Body Mass (g)'] ?? 0) > 4000 ? 'yes' : 'no',
      ].join(','),
    );
  return temp.write('penguins-words.csv', `beak,flipper,dream,heavy\n${rows.join('\n')}\n`);
}

describe('CSV words DuckDB would read as booleans', () => {
  it('trains on a yes/no target with the classes yes and no, and predicts a true/false feature column', async () => {
    const data = await penguinsWithWords();
    const config = await temp.write(
      'modelgate.yaml',
      `model: heavy\ntask: binary\ntarget: heavy\ndata: ${data}\ntrain:\n  candidates:\n    - algorithm: logistic\n  search:\n    trials: 1\n`,
    );
    const out = temp.path('model');
    const train = await runCli(['train', '-c', config, '-o', out]);
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    const metadata = JSON.parse(await readFile(`${out}/metadata.json`, 'utf8'));
    expect(metadata.spec.classes).toEqual(['no', 'yes']);
    expect(metadata.spec.features.map((f: { name: string }) => f.name)).toEqual(['beak', 'flipper', 'dream']);

    const scores = temp.path('scores.csv');
    const predict = await runCli(['predict', '-m', out, '-i', data, '-o', scores, '--workers', '0']);
    expect(predict.stderr).toBe('');
    expect(predict.code).toBe(0);
    const lines = (await readFile(scores, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('row,label,probability_no,probability_yes');
    const labels = new Set(lines.slice(1).map((l) => l.split(',')[1]));
    expect(labels).toEqual(new Set(['no', 'yes']));
  });
});
