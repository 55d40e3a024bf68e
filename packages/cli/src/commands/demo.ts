import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loadConfig,
  loadDataset,
  quoteIdent,
  quoteLiteral,
  UserError,
  withDatabase,
  writeFileAtomic,
} from '@modelgate/core';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { requireOutDir } from '../out-path.js';
import type { CommandOutcome } from '../outcome.js';
import type { Wrap } from '../runner.js';
import { serveDemo } from './demo-serve.js';

interface DemoFlags {
  out: string;
  example?: string;
}

type Write = (text: string) => void;

interface Step {
  title: string;
  /** A `modelgate` command line, or work of the demo's own (such as calling the server it started). */
  argv: string[];
  run?: (write: Write) => Promise<number>;
  /** The exit code this step is meant to end with: the bad batch must be caught. */
  expect: 0 | 1;
}

const EXAMPLE = join('examples', 'penguins');
/** The challenger the demo trains and registers as v2: the shadow of the demo's server. */
const CHALLENGER = 'penguins-species@v2';
const CHALLENGER_DIR = 'challenger';
/** Logistic regression alone, at the strongest penalty the example's search allows: simpler, and not the same model. */
const CHALLENGER_CANDIDATES = [{ algorithm: 'logistic', params: { l2: 10 } }];
/** A git repository of the demo's own, standing in for the user's: the registry lives in it. */
const DEMO_REPO = 'repo';
const DEMO_MARKER = '.modelgate-demo';
const PREDICTION_LOG = 'prediction-log';

/**
 * A fresh repository and prediction log each run (an earlier run's requests would pair with this
 * run's under the same ids); an --out without the demo's marker is never cleared.
 */
async function freshDemoRepo(out: string): Promise<void> {
  const dir = join(out, DEMO_REPO);
  if (existsSync(dir)) {
    if (!existsSync(join(dir, DEMO_MARKER))) {
      throw new UserError(`${dir}: exists and was not made by the demo; choose another --out.`);
    }
    await rm(dir, { recursive: true, force: true });
    await rm(join(out, PREDICTION_LOG), { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, DEMO_MARKER), 'made by modelgate demo; removed and re-made on every run\n');
  execFileSync('git', ['init', '--quiet', dir]);
}

/** The bundled example, found from the working directory or from where this file is installed. */
function findExample(explicit: string | undefined): string {
  if (explicit) {
    if (!existsSync(join(explicit, 'modelgate.yaml')))
      throw new UserError(`--example: ${explicit} has no modelgate.yaml.`);
    return explicit;
  }
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, EXAMPLE, 'modelgate.yaml')))
      return relative(process.cwd(), join(dir, EXAMPLE)) || '.';
    if (dirname(dir) === dir) break;
  }
  throw new UserError(`cannot find ${EXAMPLE}/modelgate.yaml; pass --example <dir>.`);
}

/**
 * A later batch with the faults data contracts exist for: body mass logged in
 * kilograms, an island the model never saw, and a sensor that stopped reporting.
 */
async function writeBadBatch(source: string, file: string): Promise<void> {
  const mass = quoteIdent('Body Mass (g)');
  const island = quoteIdent('Island');
  const beak = quoteIdent('Beak Length (mm)');
  await withDatabase(async (db) => {
    const { table } = await loadDataset(db, { path: source });
    await db.run(`COPY (
      SELECT * REPLACE (
        ${mass} / 1000.0 AS ${mass},
        CASE WHEN rowid % 10 = 0 THEN 'Anvers' ELSE ${island} END AS ${island},
        CASE WHEN rowid % 3 = 0 THEN NULL ELSE ${beak} END AS ${beak})
      FROM ${quoteIdent(table)} WHERE rowid < 60
    ) TO ${quoteLiteral(file)} (HEADER)`);
  });
}

/** Production traffic that moved: birds from one island only, and a scale that reads 30% heavy. */
async function writeShiftedBatch(source: string, file: string): Promise<void> {
  const mass = quoteIdent('Body Mass (g)');
  await withDatabase(async (db) => {
    const { table } = await loadDataset(db, { path: source });
    await db.run(`COPY (
      SELECT * REPLACE (${mass} * 1.3 AS ${mass}) FROM ${quoteIdent(table)} WHERE ${quoteIdent('Island')} = 'Biscoe'
    ) TO ${quoteLiteral(file)} (HEADER)`);
  });
}

/**
 * The example's config with another `train:` section, for the challenger. JSON values are YAML
 * flow style, so each key stays on a line of its own; the data path is made absolute for the new directory.
 */
async function writeChallengerConfig(example: string, file: string): Promise<void> {
  const config = await loadConfig(join(example, 'modelgate.yaml'));
  const challenger = {
    ...config,
    data:
      typeof config.data === 'string'
        ? resolve(example, config.data)
        : { ...config.data, path: resolve(example, config.data.path) },
    train: { metric: config.train.metric, candidates: CHALLENGER_CANDIDATES },
  };
  const lines = Object.entries(challenger).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(
    file,
    `# Written by modelgate demo: ${join(example, 'modelgate.yaml')} with the challenger's train: section.\n${lines.join('\n')}\n`,
  );
}

/** The flights project: two weeks of June production traffic, labels arriving late. */
function flightsPlan(example: string, out: string, registry: string): Step[] {
  const config = join(example, 'modelgate.yaml');
  const work = join(out, 'flights');
  const monitor = [
    'monitor',
    '--model',
    'flights-delay',
    '--registry',
    registry,
    '--config',
    config,
    '--current',
    join(example, 'production', 'flights-*.parquet'),
    '--reference-data',
    join(work, 'splits', 'test.parquet'),
    '--force',
  ];
  return [
    {
      title: 'Flights: split January (a delay model trained on winter, watched in June)',
      argv: ['split', '--config', config, '--out', join(work, 'splits'), '--force'],
      expect: 0,
    },
    {
      title: 'Flights: train',
      argv: [
        'train',
        '--config',
        config,
        '--splits',
        join(work, 'splits'),
        '--out',
        join(work, 'model'),
        '--force',
      ],
      expect: 0,
    },
    {
      title: 'Flights: evaluate on the January holdout',
      argv: [
        'evaluate',
        '--config',
        config,
        '--model',
        join(work, 'model'),
        '--splits',
        join(work, 'splits'),
        '--no-baseline',
        '--out',
        join(work, 'model'),
        '--force',
      ],
      expect: 0,
    },
    {
      title: 'Flights: register',
      argv: ['register', '--model', join(work, 'model'), '--config', config, '--registry', registry],
      expect: 0,
    },
    {
      title: 'Flights: monitor two weeks of June before labels arrive (drift + estimated performance)',
      argv: [...monitor, '--out', join(work, 'monitor-estimated')],
      expect: 1,
    },
    {
      title: 'Flights: the labels arrived; monitor realized performance per day against the holdout',
      argv: [
        ...monitor,
        '--labels',
        join(example, 'production', 'labels.parquet'),
        '--out',
        join(work, 'monitor'),
      ],
      expect: 1,
    },
  ];
}

function plan(example: string, out: string, flights: string | undefined, target: string): Step[] {
  const config = join(example, 'modelgate.yaml');
  const registry = join(out, DEMO_REPO, 'registry');
  const predictionLog = join(out, PREDICTION_LOG);
  const monitor = [
    'monitor',
    '--model',
    'penguins-species#staging',
    '--registry',
    registry,
    '--config',
    config,
    '--force',
  ];
  const evaluate = [
    'evaluate',
    '--config',
    config,
    '--model',
    join(out, 'model'),
    '--splits',
    join(out, 'splits'),
    '--registry',
    registry,
    '--force',
  ];
  const contract = join(out, 'contract.json');
  const challengerConfig = join(out, CHALLENGER_DIR, 'modelgate.yaml');
  const challengerModel = join(out, CHALLENGER_DIR, 'model');
  return [
    { title: 'Check the project config', argv: ['config', 'check', '--config', config], expect: 0 },
    {
      title: 'Infer a data contract from the reference data',
      argv: ['validate', '--config', config, '--write-schema', contract, '--force'],
      expect: 0,
    },
    {
      title: 'Hold the reference data to it',
      argv: ['validate', '--config', config, '--schema', contract],
      expect: 0,
    },
    {
      title: 'Hold a bad new batch to it (expected to fail)',
      argv: ['validate', '--data', join(out, 'new-batch.csv'), '--schema', contract],
      expect: 1,
    },
    {
      title: 'Profile the data (the drift baseline)',
      argv: ['profile', '--config', config, '--out', join(out, 'profile'), '--force'],
      expect: 0,
    },
    {
      title: 'Split into train / validation / test',
      argv: ['split', '--config', config, '--out', join(out, 'splits'), '--force'],
      expect: 0,
    },
    {
      title: 'Train: search over gradient-boosted trees and logistic regression',
      argv: [
        'train',
        '--config',
        config,
        '--splits',
        join(out, 'splits'),
        '--out',
        join(out, 'model'),
        '--force',
      ],
      expect: 0,
    },
    {
      title: 'Evaluate on the holdout (no champion yet: absolute thresholds only)',
      argv: [...evaluate, '--out', join(out, 'model')],
      expect: 0,
    },
    {
      title: 'Register the model in a git registry (a commit in the demo repository)',
      argv: ['register', '--model', join(out, 'model'), '--config', config, '--registry', registry],
      expect: 0,
    },
    {
      title: 'Promote it to staging',
      argv: ['promote', 'penguins-species@v1', '--to', 'staging', '--registry', registry],
      expect: 0,
    },
    {
      title: `Train a challenger: logistic regression alone, strongly penalised, a far smaller model (its config, ${CHALLENGER_DIR}/modelgate.yaml, is written by the demo)`,
      argv: [
        'train',
        '--config',
        challengerConfig,
        '--splits',
        join(out, 'splits'),
        '--out',
        challengerModel,
        '--force',
      ],
      expect: 0,
    },
    {
      title:
        'Gate the challenger against the staging champion on the holdout (the PR check; expected to fail: 69 rows cannot show it is at most 0.01 worse, so it goes on to a shadow)',
      argv: [
        'evaluate',
        '--config',
        challengerConfig,
        '--model',
        challengerModel,
        '--splits',
        join(out, 'splits'),
        '--registry',
        registry,
        '--baseline',
        'penguins-species#staging',
        '--out',
        challengerModel,
        '--force',
      ],
      expect: 1,
    },
    {
      title: 'Register the challenger as v2 (staging stays on v1)',
      argv: ['register', '--model', challengerModel, '--config', challengerConfig, '--registry', registry],
      expect: 0,
    },
    { title: 'Browse the registry', argv: ['registry', 'ls', '--registry', registry], expect: 0 },
    {
      title:
        'Batch-score the new batch with the staged model (rows it could not score would go to a reject file)',
      argv: [
        'predict',
        '--model',
        'penguins-species#staging',
        '--registry',
        registry,
        '--input',
        join(out, 'new-batch.csv'),
        '--output',
        join(out, 'scores.parquet'),
        '--on-error',
        'reject',
        '--force',
      ],
      expect: 0,
    },
    {
      title: 'Export a web bundle that predicts in the browser (onnxruntime-web)',
      argv: [
        'export',
        '--model',
        'penguins-species#staging',
        '--registry',
        registry,
        '--target',
        'web',
        '--out',
        join(out, 'web'),
        '--force',
      ],
      expect: 0,
    },
    {
      title: 'Deploy: a Dockerfile, Kubernetes manifests and a KServe InferenceService (GitOps directory)',
      argv: [
        'deploy',
        '--target',
        'k8s',
        '--model',
        'penguins-species#staging',
        '--registry',
        registry,
        '--out',
        join(out, 'deploy'),
      ],
      expect: 0,
    },
    {
      title:
        'Serve the staged model (v1) with the challenger (v2) as its shadow; ask it with both protocols (OIP v2, MLflow); log production traffic',
      argv: [
        'serve',
        '--model',
        'penguins-species#staging',
        '--shadow',
        CHALLENGER,
        '--registry',
        registry,
        '--prediction-log',
        predictionLog,
      ],
      run: (write) =>
        serveDemo(
          {
            registry,
            model: 'penguins-species#staging',
            shadow: CHALLENGER,
            data: join(out, 'splits', 'test.parquet'),
            traffic: join(out, 'shifted.csv'),
            predictionLog,
            labels: { file: join(out, 'traffic-labels.csv'), column: target },
          },
          write,
        ),
      expect: 0,
    },
    {
      title:
        'Compare production (v1) with its shadow (v2) on the same requests and gate v2 on the labeled live rows (SHADOW.md; expected to fail: the models disagree, v2 is wrong where v1 is right, and ~170 rows cannot show v2 is at most 0.01 worse)',
      argv: [
        ...monitor,
        '--compare',
        '--current',
        join(predictionLog, 'penguins-species'),
        '--labels',
        join(out, 'traffic-labels.csv'),
        '--out',
        join(out, 'compare'),
      ],
      expect: 1,
    },
    {
      title: "Monitor: the holdout against the staged model's reference profile (no alert)",
      argv: [...monitor, '--current', join(out, 'splits', 'test.parquet'), '--out', join(out, 'monitor')],
      expect: 0,
    },
    {
      title: 'Monitor: production moved to one island, heavier birds (expected to alert)',
      argv: [...monitor, '--current', join(out, 'shifted.csv'), '--out', join(out, 'monitor-drift')],
      expect: 1,
    },
    {
      title: "Monitor the server's prediction log (the same shifted traffic, as served; expected to alert)",
      argv: [...monitor, '--current', predictionLog, '--out', join(out, 'monitor-served')],
      expect: 1,
    },
    ...(flights ? flightsPlan(flights, out, registry) : []),
    {
      title: 'Publish the registry as a static website (catalogue, model, version and monitoring pages)',
      argv: ['site', '--registry', registry, '--out', join(out, 'site'), '--monitor', out],
      expect: 0,
    },
  ];
}

async function demo(flags: DemoFlags, ctx: CliContext): Promise<CommandOutcome> {
  const example = findExample(flags.example);
  // The flights project runs beside the bundled penguins one, not beside an example of the user's.
  const flightsDir = join(dirname(example), 'flights');
  const flights = !flags.example && existsSync(join(flightsDir, 'modelgate.yaml')) ? flightsDir : undefined;
  const out = flags.out;
  await requireOutDir('--out', out, 'the demo');
  // First, so that a refused --out gets nothing written into it.
  await freshDemoRepo(out);
  await writeBadBatch(resolve(example, 'data', 'penguins.csv'), join(out, 'new-batch.csv'));
  await writeShiftedBatch(resolve(example, 'data', 'penguins.csv'), join(out, 'shifted.csv'));
  await writeChallengerConfig(example, join(out, CHALLENGER_DIR, 'modelgate.yaml'));
  // Imported here: main() builds the program that registers this command.
  const { main } = await import('../main.js');
  const results: { title: string; command: string; code: number; expected: number }[] = [];
  // Under --json only the final result is printed; the steps' own output is for people.
  const write = (text: string) => {
    if (!ctx.json) process.stdout.write(text);
  };
  const { target } = await loadConfig(join(example, 'modelgate.yaml'));
  for (const [i, step] of plan(example, out, flights, target).entries()) {
    const command = `modelgate ${step.argv.map((a) => (/[\s()*]/.test(a) ? `'${a}'` : a)).join(' ')}`;
    write(`\n== ${i + 1}. ${step.title}\n$ ${command}\n`);
    const code = step.run
      ? await step.run(write)
      : await main(step.argv, { stdout: write, stderr: (t) => process.stderr.write(t) });
    results.push({ title: step.title, command, code, expected: step.expect });
    if (code !== step.expect) {
      throw new Error(`demo step '${step.title}' exited with ${code}, expected ${step.expect}`);
    }
  }
  const outputs: [string, string][] = [
    ['contract.json', 'data contract inferred from the reference data'],
    ['new-batch.csv', 'the bad batch the contract caught'],
    ['profile/', 'profile.json (mergeable drift baseline) and profile.md'],
    ['splits/', 'train/validation/test Parquet files and splits.json'],
    ['model/', 'model.onnx (preprocessing inside), trials.json/.md, lineage, reference profile'],
    ['model/report.md', 'holdout evaluation (also evaluation.json, report.html), registered with the model'],
    [
      `${DEMO_REPO}/registry/`,
      'the git registry: penguins-species v1 in staging and the challenger v2 (see git log there)',
    ],
    [
      `${CHALLENGER_DIR}/model/report.html`,
      'champion vs challenger on the holdout: the report a reviewer reads on the PR',
    ],
    ['monitor-drift/monitor.md', 'the drift report a scheduled workflow turns into an issue'],
    ['scores.parquet', 'batch predictions (label + class probabilities) for the new batch'],
    ['web/index.html', 'the web bundle: serve the folder and predict in the browser'],
    ['deploy/', 'Dockerfile, Kubernetes manifests and a KServe InferenceService (kubectl apply -k)'],
    [`${PREDICTION_LOG}/`, "the server's prediction log: JSONL rows and hourly mergeable profiles"],
    ['monitor-served/monitor.md', 'drift found in the traffic the server logged'],
    ['compare/compare.md', 'v1 and its shadow v2 on the same requests, and the online gate'],
    [
      'site/index.html',
      'the registry as a website: open it in a browser (modelgate-site.yml publishes it with GitHub Pages)',
    ],
    ...(flights
      ? ([
          [
            'flights/monitor/monitor.md',
            'two weeks of June flights: drift and daily performance vs the holdout',
          ],
        ] as [string, string][])
      : []),
  ];
  const width = Math.max(...outputs.map(([name]) => join(out, name).length));
  const text = [
    '',
    `Demo finished: ${results.length} steps on ${example}. Outputs:`,
    ...outputs.map(([name, what]) => `  ${join(out, name).padEnd(width)}  ${what}`),
    '',
    'In a repository, `modelgate init` writes the GitHub workflows that run these steps on pull requests,',
    'merges and a schedule (see ACTIONS.md).',
    'Your own model goes through the same steps: examples/pytorch trains a PyTorch MLP as a `command`',
    'candidate and runs it through every stage above (needs python3 with torch and onnx; see BYO.md).',
  ].join('\n');
  return { exitCode: 0, data: { example, out, steps: results }, text };
}

export function registerDemo(program: Command, wrap: Wrap): void {
  program
    .command('demo')
    .description('run the lifecycle end to end on the bundled example (penguins)')
    .option('-o, --out <dir>', 'where the demo writes its outputs', 'demo-output')
    .option('--example <dir>', 'example project directory (default: examples/penguins)')
    .action(wrap<DemoFlags>(demo));
}
