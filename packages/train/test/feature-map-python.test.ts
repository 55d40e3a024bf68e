import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { prepareProblem } from '../src/data/index.js';
import { DEFAULT_ENCODING, writeEncodedSplits } from '../src/preprocess/index.js';
import { writeSplitCsv } from '../src/run/index.js';
import { configFor } from './train-fixtures.js';

const PYTHON = '/usr/bin/python3';
const EXAMPLE = fileURLToPath(new URL('../../../examples/pytorch', import.meta.url));
const haveNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const db = useDatabase();
const temp = useTempDir('feature-map-python');
const run = promisify(execFile);

/** Encodes the raw rows (those with a target) with feature_map.py; counts cells unlike modelgate's file. */
const COMPARE = `
import sys
import numpy as np
import feature_map
raw, encoded, fmap, target = sys.argv[1:5]
fmap = feature_map.load(fmap)
rows = [r for r in feature_map.read_raw_csv(raw) if r.get(target, "") != ""]
mine = feature_map.encode(rows, fmap)
theirs = np.loadtxt(encoded, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)[:, : fmap["width"]].astype(np.float32)
print(mine.shape[0], int(np.sum(mine != theirs)))
`;

describe.skipIf(!haveNumpy)("examples/pytorch/feature_map.py: modelgate's encoding in Python", () => {
  it.each([
    ['penguins.json', 'Species', 'multiclass', ''],
    // A date (Year): its instant and calendar parts.
    ['cars.json', 'Origin', 'multiclass', 'id: [Name]\n'],
  ] as const)('%s: every cell of every split, bit for bit', async (file, target, task, extra) => {
    const config = configFor(task, `${extra}split: { validation: 0.2, test: 0.2, seed: 3 }\n`, target);
    const problem = await prepareProblem(db(), config, {
      data: { path: dataset(file) },
      out: temp.path(`splits-${file}`),
    });
    const raw = await writeSplitCsv(db(), problem.splits.files, temp.path(`raw-${file}`));
    const encoded = await writeEncodedSplits(db(), problem, DEFAULT_ENCODING, temp.path(`encoded-${file}`));
    const script = await temp.write('compare.py', COMPARE);
    for (const split of ['train', 'validation', 'test'] as const) {
      const { stdout } = await run(
        PYTHON,
        [script, raw[split], encoded.csv[split], encoded.featureMap, target],
        {
          env: { ...process.env, PYTHONPATH: EXAMPLE, PYTHONDONTWRITEBYTECODE: '1' },
        },
      );
      expect(stdout.trim()).toBe(`${problem.sets[split].rows} 0`);
    }
  });
});
