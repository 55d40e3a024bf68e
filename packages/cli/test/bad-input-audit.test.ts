import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const REPO_REGISTRY = join(import.meta.dirname, '..', '..', '..', 'registry');
const MODEL = join('registry', 'penguins-species', 'versions', 'v1', 'model.onnx');
const PREDICT = ['predict', '--model', MODEL, '--input', 'data/penguins.json', '--workers', '0'];
const MONITOR = ['monitor', '--reference', 'profile/profile.json', '--current', 'data/penguins.json'];
const tmp = useTempDir('cli-bad-input');

/** Every path under `dir`, so a run that leaves a partial output or a temp sibling behind shows. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => !e.startsWith('.git')).sort();
}

/**
 * A user mistake: exit 2, exactly `modelgate: error: <line>` on stderr, nothing on stdout,
 * and the project tree (the file named as the output included) as it was.
 */
async function expectRefused(root: string, argv: string[], line: string): Promise<void> {
  const before = await tree(root);
  const config = await readFile(join(root, 'modelgate.yaml'), 'utf8');
  const run = await runCli(argv, { cwd: root });
  expect(run.stderr).toBe(`modelgate: error: ${line}\n`);
  expect(run.stdout).toBe('');
  expect(run.code).toBe(2);
  expect(await tree(root)).toEqual(before);
  expect(await readFile(join(root, 'modelgate.yaml'), 'utf8')).toBe(config);
}

/** [what the case is, the command line, the one line it must print] */
type Case = [string, string[], string];

function named(group: string, cases: Case[]): Case[] {
  return cases.map(([what, argv, line]) => [`${group}: ${what}`, argv, line]);
}

/** [flag, value, line]: each run against a valid reference profile and data. */
function monitorCases(cases: [string, string, string][]): Case[] {
  return cases.map(([flag, value, line]) => [
    `${flag} ${value}`,
    [...MONITOR, '--out', 'monitor', flag, value],
    line,
  ]);
}

describe('bad input to the modelgate CLI: one line, exit 2, nothing written', () => {
  let root: string;
  beforeAll(async () => {
    root = await writeProject(tmp.path('project'));
    await cp(REPO_REGISTRY, join(root, 'registry'), { recursive: true });
    await mkdir(join(root, 'outputs.csv'));
    await writeFile(join(root, 'data', 'empty.csv'), '');
    for (const argv of [
      ['split', '--out', 'splits'],
      ['profile', '--out', 'profile'],
    ]) {
      const run = await runCli(argv, { cwd: root });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  it.each<Case>([
    ...named('an output directory that is a file', [
      [
        'split --out',
        ['split', '--out', 'modelgate.yaml'],
        '--out modelgate.yaml: is a file. Expected a directory to write the split files into.',
      ],
      [
        'split --out under a file',
        ['split', '--out', 'modelgate.yaml/splits'],
        '--out modelgate.yaml/splits: a folder on its path is a file. Expected a directory to write the split files into.',
      ],
      [
        'train --out, before any trial runs',
        ['train', '--splits', 'splits', '--out', 'modelgate.yaml'],
        '--out modelgate.yaml: is a file. Expected a directory to write the model and its records into.',
      ],
      [
        'train plan --out',
        ['train', 'plan', '--splits', 'splits', '--out', 'modelgate.yaml'],
        '--out modelgate.yaml: is a file. Expected a directory to write the plan into.',
      ],
      [
        'evaluate --out, before the model is scored',
        ['evaluate', '--model', MODEL, '--splits', 'splits', '--no-baseline', '--out', 'modelgate.yaml'],
        '--out modelgate.yaml: is a file. Expected a directory to write evaluation.json and the reports into.',
      ],
      [
        'deploy --target k8s --out',
        ['deploy', '--target', 'k8s', '--model', 'penguins-species@v1', '--out', 'modelgate.yaml'],
        '--out modelgate.yaml: is a file. Expected a directory to write the manifests into.',
      ],
      [
        'site --out under a file',
        ['site', '--out', 'modelgate.yaml/site'],
        '--out modelgate.yaml/site: a folder on its path is a file. Expected a directory to write the site into.',
      ],
      [
        'demo --out',
        ['demo', '--out', 'modelgate.yaml'],
        '--out modelgate.yaml: is a file. Expected a directory to write the demo into.',
      ],
    ]),
    ...named('an output file that is a directory', [
      [
        'validate --write-schema',
        ['validate', '--write-schema', 'data'],
        '--write-schema data: is a directory. Expected a file path to write the contract to.',
      ],
      [
        'config schema --out',
        ['config', 'schema', '--out', 'data'],
        '--out data: is a directory. Expected a file path to write the JSON Schema to.',
      ],
      [
        'predict --output',
        [...PREDICT, '--output', 'outputs.csv'],
        '--output outputs.csv: is a directory. Expected a file path to write the predictions to.',
      ],
      [
        'predict --reject',
        [...PREDICT, '--output', 'scores.csv', '--on-error', 'reject', '--reject', 'outputs.csv'],
        '--reject outputs.csv: is a directory. Expected a file path to write the rejected rows to.',
      ],
    ]),
    ...named('an input file that is a directory', [
      ['--config', ['validate', '--config', 'data'], 'data: is a directory. Expected the config file.'],
      [
        'monitor --reference',
        ['monitor', '--reference', 'data', '--current', 'data/penguins.json', '--out', 'monitor'],
        'data: is a directory. Expected the profile file.',
      ],
    ]),
    ...named(
      'monitor names the flag, not an internal option',
      monitorCases([
        ['--sigma', '-1', "--sigma '-1': expected a number above 0."],
        ['--sigma', 'Infinity', "--sigma 'Infinity': expected a number above 0."],
        ['--outlier-threshold', '0', "--outlier-threshold '0': expected a number above 0."],
        ['--min-chunk-rows', '0', "--min-chunk-rows '0': expected an integer above 0."],
        [
          '--baseline-chunks',
          '1',
          "--baseline-chunks '1': expected an integer of 2 or more (the bands need a spread).",
        ],
        ['--threshold', 'ks=abc', "--threshold 'ks=abc': expected a positive number after '='."],
      ]),
    ),
    ...named('a registry that is a file', [
      [
        'registry verify',
        ['registry', 'verify', '--registry', 'modelgate.yaml'],
        '--registry modelgate.yaml: is a file. Expected the registry directory.',
      ],
      [
        'registry ls',
        ['registry', 'ls', '--registry', 'modelgate.yaml'],
        '--registry modelgate.yaml: is a file. Expected the registry directory.',
      ],
    ]),
    ...named('an empty input file', [
      [
        'predict --input',
        [
          'predict',
          '--model',
          MODEL,
          '--input',
          'data/empty.csv',
          '--workers',
          '0',
          '--output',
          'scores.csv',
        ],
        'data/empty.csv: file is empty. Expected a header and rows of data.',
      ],
    ]),
    ...named("commander's own error is one line too", [
      ['unknown option', ['validate', '--bogus'], "unknown option '--bogus'. Run with --help for usage."],
      [
        'unknown command',
        ['valdate'],
        "unknown command 'valdate'. Did you mean validate? Run with --help for usage.",
      ],
      [
        'missing option',
        ['promote', 'penguins-species@v1'],
        "required option '--to <stage>' not specified. Run with --help for usage.",
      ],
      [
        'too many arguments',
        ['promote', 'a', 'b', '--to', 'staging'],
        "too many arguments for 'promote'. Expected 1 argument but got 2. Run with --help for usage.",
      ],
    ]),
    ...named('init', [
      [
        '--dir naming a file',
        ['init', '--dir', 'modelgate.yaml'],
        "--dir modelgate.yaml: is a file. Expected the repository's directory.",
      ],
      [
        '--gate-min above what accuracy can reach names the flag, not the generated modelgate.yaml',
        ['init', '--dir', 'data', '--task', 'multiclass', '--gate-min', '1.5'],
        `--gate-min "1.5": expected at most 1: the gate's metric (accuracy, or r2 for regression) never exceeds 1, so no model could pass.`,
      ],
    ]),
  ])('%s', async (_, argv, line) => {
    await expectRefused(root, argv, line);
  });

  it('demo --out holding a repo/ of its own is refused before the demo writes its batches there', async () => {
    const mine = 'the batch I had\n';
    await mkdir(join(root, 'work', 'repo'), { recursive: true });
    await writeFile(join(root, 'work', 'new-batch.csv'), mine);
    await expectRefused(
      root,
      ['demo', '--out', 'work'],
      'work/repo: exists and was not made by the demo; choose another --out.',
    );
    expect(await readFile(join(root, 'work', 'new-batch.csv'), 'utf8')).toBe(mine);
    await rm(join(root, 'work'), { recursive: true });
  });
});
