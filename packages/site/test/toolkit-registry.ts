import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../cli/src/main.js';
import { dataset } from '../../core/test/datasets.js';

const EXAMPLES = join(import.meta.dirname, '../../../examples');

export interface ToolkitRegistry {
  repo: string;
  registry: string;
  /** Directory of the monitor.json files (one folder per run). */
  monitoring: string;
}

async function cli(repo: string, argv: string[], expected = 0): Promise<void> {
  let out = '';
  const previous = process.cwd();
  process.chdir(repo);
  try {
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    if (code !== expected) throw new Error(`modelgate ${argv.join(' ')} exited ${code}:\n${out}`);
  } finally {
    process.chdir(previous);
  }
}

const FLIGHTS_V2 = (config: string) =>
  config.replace(
    /candidates:[\s\S]*?\ngate:/,
    'candidates:\n    - algorithm: logistic\n      params: { l2: 0.01 }\ngate:',
  );

const PENGUINS = (seed: number, leaves: number) => `model: penguins-species
task: multiclass
target: Species
data: penguins.json
split: { validation: 0.15, test: 0.25, seed: 7 }
train:
  metric: log_loss
  search: { seed: ${seed} }
  candidates:
    - algorithm: gbdt
      params: { rounds: 20, max_leaves: ${leaves} }
gate:
  accuracy: { min: 0.8 }
`;

/**
 * A registry made by the toolkit the way a user's workflows make it, in a git repository: two models
 * trained, evaluated (the second version of each against the first), registered, promoted, rolled back
 * and archived by the CLI; then monitored (one run with late labels, one without).
 */
export async function makeToolkitRegistry(repo: string): Promise<ToolkitRegistry> {
  const flights = join(repo, 'flights');
  const penguins = join(repo, 'penguins');
  await mkdir(penguins, { recursive: true });
  await mkdir(flights, { recursive: true });
  for (const part of ['modelgate.yaml', 'data', 'production'])
    await cp(join(EXAMPLES, 'flights', part), join(flights, part), { recursive: true });
  await cp(dataset('penguins.json'), join(penguins, 'penguins.json'));
  const config = await readFile(join(flights, 'modelgate.yaml'), 'utf8');
  await writeFile(join(flights, 'v2.yaml'), FLIGHTS_V2(config));
  await writeFile(join(penguins, 'v1.yaml'), PENGUINS(1, 8));
  await writeFile(join(penguins, 'v2.yaml'), PENGUINS(2, 31));
  const registry = join(repo, 'registry');
  const reg = ['--registry', registry];

  const flightsVersion = async (configFile: string, out: string, baseline: string[]) => {
    const c = ['--config', configFile];
    await cli(repo, ['train', ...c, '--splits', 'flights/splits', '--out', out]);
    await cli(repo, [
      'evaluate',
      ...c,
      '-m',
      out,
      '--splits',
      'flights/splits',
      ...baseline,
      ...reg,
      '-o',
      out,
    ]);
    await cli(repo, ['register', '--model', out, ...c, ...reg]);
  };
  await cli(repo, ['split', '--config', 'flights/modelgate.yaml', '-o', 'flights/splits']);
  await flightsVersion('flights/modelgate.yaml', 'flights/v1', ['--no-baseline']);
  await cli(repo, ['promote', 'flights-delay@v1', '--to', 'staging', ...reg]);
  await cli(repo, ['promote', 'flights-delay#staging', '--to', 'production', ...reg]);
  await flightsVersion('flights/v2.yaml', 'flights/v2', ['--baseline', 'flights-delay#production']);
  await cli(repo, ['promote', 'flights-delay@v2', '--to', 'staging', ...reg]);
  await cli(repo, ['promote', 'flights-delay#staging', '--to', 'production', ...reg]);
  await cli(repo, ['registry', 'rollback', 'flights-delay', '--stage', 'production', ...reg]);

  for (const [version, baseline] of [
    ['v1', ['--no-baseline']],
    ['v2', ['--baseline', 'penguins-species#staging']],
  ] as const) {
    const c = ['--config', `penguins/${version}.yaml`];
    const out = `penguins/${version}`;
    await cli(repo, ['train', ...c, '--out', out]);
    await cli(repo, ['evaluate', ...c, '-m', out, ...baseline, ...reg, '-o', out]);
    await cli(repo, ['register', '--model', out, ...c, ...reg]);
    if (version === 'v1') await cli(repo, ['promote', 'penguins-species@v1', '--to', 'staging', ...reg]);
  }
  await cli(repo, ['registry', 'archive', 'penguins-species@v2', '--reason', 'kept for the record', ...reg]);

  const monitoring = join(repo, 'monitoring');
  const monitor = [
    'monitor',
    '--model',
    'flights-delay#production',
    ...reg,
    '--config',
    'flights/modelgate.yaml',
  ];
  const current = ['--current', 'flights/production/flights-*.parquet'];
  await cli(
    repo,
    [
      ...monitor,
      ...current,
      '--reference-data',
      'flights/splits/test.parquet',
      '-o',
      join(monitoring, 'flights-estimated'),
    ],
    1,
  );
  await cli(
    repo,
    [
      ...monitor,
      ...current,
      '--labels',
      'flights/production/labels.parquet',
      '-o',
      join(monitoring, 'flights-labels'),
    ],
    1,
  );
  await cli(repo, [
    'monitor',
    '--model',
    'penguins-species#staging',
    ...reg,
    '--config',
    'penguins/v1.yaml',
    '--current',
    'penguins/penguins.json',
    '--chunk',
    'rows:100',
    '-o',
    join(monitoring, 'penguins'),
  ]);
  return { repo, registry, monitoring };
}
