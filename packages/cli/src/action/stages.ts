import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '@modelgate/core';
import { type ActionCommand, INPUTS, type InputName, OUTPUTS, type OutputName } from './inputs.js';

/** An input's value as the runner gives it: '' when not set (and no default applies). */
export type InputReader = (name: InputName) => string;

/**
 * How one input becomes CLI arguments: `--<input>` with its value by default, a
 * different flag, a switch (`--flag` when 'true'), or a function of all inputs.
 */
export type FlagRule =
  | InputName
  | { input: InputName; flag: string }
  | { input: InputName; switch: string }
  | ((input: InputReader) => string[]);

/** One CLI invocation of a stage. */
export interface CliStep {
  /** Command words and positionals, e.g. ['github', 'comment']. */
  command: (input: InputReader) => string[];
  flags: readonly FlagRule[];
  /** Runs only when this holds (e.g. the `comment` input is 'true'). */
  when?: (input: InputReader) => boolean;
  /** Talks to the GitHub API: gets the `github-token` input as GITHUB_TOKEN. */
  github?: true;
}

/** What a stage's steps produced, for its outputs. */
export interface StageRun {
  input: InputReader;
  /** Exit code of each step that ran, by step index. */
  codes: number[];
  /** Parsed --json output of the stage's first step. */
  result: unknown;
  cacheHit: boolean;
}

export interface StageSpec {
  /** The inputs of actions/<stage>/action.yml, in order. */
  inputs: readonly InputName[];
  /** Defaults applied when an input is empty (also written in the stage's action.yml). */
  defaults?: Partial<Record<InputName, string>>;
  /** Inputs that must be set. */
  required?: readonly InputName[];
  steps: readonly CliStep[];
  /** Outputs besides exit-code and result. */
  outputs?: Partial<Record<OutputName, (run: StageRun) => string>>;
  /** Whether an exit code 1 (a check failed, an alert) fails the step; true unless this says no. */
  failOnCheck?: (input: InputReader) => boolean;
}

/** Inputs that take true or false; checked before any command runs. */
export const BOOLEAN_INPUTS: readonly InputName[] = [
  INPUTS.cache,
  INPUTS.comment,
  INPUTS.check,
  INPUTS.push,
  INPUTS.gtoTags,
  INPUTS.issue,
  INPUTS.failOnAlert,
  INPUTS.allowQualityDrop,
  INPUTS.allowEmpty,
  INPUTS.force,
];

export function isTrue(input: InputReader, name: InputName): boolean {
  const value = input(name).trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  throw new UserError(`Invalid input ${name}: '${input(name)}'. Expected true or false.`);
}

function oneOf<T extends string>(input: InputReader, name: InputName, allowed: readonly T[]): T {
  const value = input(name);
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`Invalid input ${name}: '${value}'. Expected one of ${allowed.join(', ')}.`);
}

/** `penguins#production` or `penguins@v3` -> `penguins`: the name the GitHub commands take. */
export function modelName(ref: string): string {
  return ref.split(/[@#]/)[0] ?? ref;
}

const field = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

const DATA = [INPUTS.workingDirectory, INPUTS.config, INPUTS.data, INPUTS.format] as const;
const DATA_FLAGS = [INPUTS.config, INPUTS.data, INPUTS.format] as const;
const PUSH = [INPUTS.push, INPUTS.remote, INPUTS.branch] as const;
const PUSH_FLAGS: FlagRule[] = [{ input: INPUTS.push, switch: '--push' }, INPUTS.remote, INPUTS.branch];

export const TRAIN_MODES = ['search', 'plan', 'trial', 'collect'] as const;
export type TrainMode = (typeof TRAIN_MODES)[number];
export const trainMode = (input: InputReader): TrainMode => oneOf(input, INPUTS.mode, TRAIN_MODES);

export const PROMOTE_MODES = ['pr', 'commit'] as const;
const promoteMode = (input: InputReader) => oneOf(input, INPUTS.mode, PROMOTE_MODES);

const exitOk = (run: StageRun) => String(run.codes[0] === 0);
const FORCE: FlagRule = { input: INPUTS.force, switch: '--force' };

export const STAGES: Readonly<Record<ActionCommand, StageSpec>> = {
  validate: {
    inputs: [...DATA, INPUTS.schema, INPUTS.writeSchema, INPUTS.key, INPUTS.force],
    steps: [
      {
        command: () => ['validate'],
        flags: [...DATA_FLAGS, INPUTS.schema, INPUTS.writeSchema, INPUTS.key, FORCE],
      },
    ],
  },
  profile: {
    inputs: [...DATA, INPUTS.out, INPUTS.force],
    steps: [{ command: () => ['profile'], flags: [...DATA_FLAGS, INPUTS.out, FORCE] }],
  },
  split: {
    inputs: [
      ...DATA,
      INPUTS.out,
      INPUTS.force,
      INPUTS.target,
      INPUTS.by,
      INPUTS.validation,
      INPUTS.test,
      INPUTS.seed,
    ],
    required: [INPUTS.out],
    steps: [
      {
        command: () => ['split'],
        flags: [
          ...DATA_FLAGS,
          INPUTS.out,
          FORCE,
          INPUTS.target,
          INPUTS.by,
          INPUTS.validation,
          INPUTS.test,
          INPUTS.seed,
        ],
      },
    ],
  },
  train: {
    inputs: [
      ...DATA,
      INPUTS.mode,
      INPUTS.splits,
      INPUTS.out,
      INPUTS.force,
      INPUTS.parallel,
      INPUTS.plan,
      INPUTS.trial,
      INPUTS.trials,
      INPUTS.cache,
    ],
    defaults: {
      [INPUTS.mode]: 'search',
      [INPUTS.out]: 'modelgate-out/model',
      [INPUTS.plan]: 'modelgate-out/plan',
      [INPUTS.cache]: 'true',
    },
    steps: [
      {
        command: (input) => {
          const mode = trainMode(input);
          return mode === 'search' ? ['train'] : ['train', mode];
        },
        flags: [
          (input) => {
            const v = (name: InputName, flag = `--${name}`) => (input(name) ? [flag, input(name)] : []);
            const force = isTrue(input, INPUTS.force) ? ['--force'] : [];
            switch (trainMode(input)) {
              case 'search':
                return [
                  ...DATA_FLAGS.flatMap((n) => v(n)),
                  ...v(INPUTS.splits),
                  ...v(INPUTS.out),
                  ...force,
                  ...v(INPUTS.parallel),
                ];
              case 'plan':
                return [
                  ...DATA_FLAGS.flatMap((n) => v(n)),
                  ...v(INPUTS.splits),
                  ...v(INPUTS.plan, '--out'),
                  ...force,
                ];
              case 'trial':
                if (!input(INPUTS.trial))
                  throw new UserError('Input trial: required with mode trial (the matrix id).');
                return [...v(INPUTS.config), ...v(INPUTS.plan), ...v(INPUTS.trial, '--id')];
              case 'collect':
                return [
                  ...v(INPUTS.config),
                  ...v(INPUTS.plan),
                  ...v(INPUTS.trials),
                  ...v(INPUTS.out),
                  ...force,
                ];
            }
          },
        ],
      },
    ],
    outputs: {
      [OUTPUTS.modelDir]: ({ input }) =>
        ['search', 'collect'].includes(trainMode(input)) ? input(INPUTS.out) : '',
      [OUTPUTS.cacheHit]: (run) => String(run.cacheHit),
      // The file's JSON on one line, for `strategy.matrix: ${{ fromJSON(...) }}`.
      [OUTPUTS.matrix]: ({ result }) => {
        const matrix = field(result, 'matrix');
        if (typeof matrix !== 'string' || !existsSync(matrix)) return '';
        return JSON.stringify(JSON.parse(readFileSync(matrix, 'utf8')));
      },
    },
  },
  evaluate: {
    inputs: [
      ...DATA,
      INPUTS.model,
      INPUTS.splits,
      INPUTS.baseline,
      INPUTS.registry,
      INPUTS.spec,
      INPUTS.out,
      INPUTS.force,
      INPUTS.comment,
      INPUTS.check,
      INPUTS.githubToken,
    ],
    required: [INPUTS.model],
    defaults: {
      [INPUTS.out]: 'modelgate-out/evaluation',
      [INPUTS.registry]: 'registry',
      [INPUTS.comment]: 'false',
      [INPUTS.check]: 'false',
    },
    steps: [
      {
        command: () => ['evaluate'],
        flags: [
          ...DATA_FLAGS,
          INPUTS.model,
          INPUTS.splits,
          (input) => {
            const baseline = input(INPUTS.baseline);
            if (!baseline) return [];
            return baseline === 'none' ? ['--no-baseline'] : ['--baseline', baseline];
          },
          INPUTS.registry,
          INPUTS.spec,
          INPUTS.out,
          FORCE,
        ],
      },
      {
        command: () => ['github', 'comment'],
        flags: [{ input: INPUTS.out, flag: '--evaluation' }],
        when: (input) => isTrue(input, INPUTS.comment),
        github: true,
      },
      {
        command: () => ['github', 'check'],
        flags: [{ input: INPUTS.out, flag: '--evaluation' }],
        when: (input) => isTrue(input, INPUTS.check),
        github: true,
      },
    ],
    outputs: {
      [OUTPUTS.passed]: exitOk,
      [OUTPUTS.report]: ({ input }) => `${input(INPUTS.out)}/report.md`,
    },
  },
  register: {
    inputs: [
      INPUTS.workingDirectory,
      INPUTS.config,
      INPUTS.model,
      INPUTS.name,
      INPUTS.parent,
      INPUTS.registry,
      ...PUSH,
      INPUTS.gtoTags,
    ],
    required: [INPUTS.model],
    defaults: {
      [INPUTS.model]: 'modelgate-out/model',
      [INPUTS.registry]: 'registry',
      [INPUTS.push]: 'false',
    },
    steps: [
      {
        command: () => ['register'],
        flags: [
          INPUTS.config,
          INPUTS.model,
          INPUTS.name,
          INPUTS.parent,
          INPUTS.registry,
          ...PUSH_FLAGS,
          { input: INPUTS.gtoTags, switch: '--gto-tags' },
        ],
      },
    ],
    outputs: {
      [OUTPUTS.version]: ({ result }) => String(field(result, 'version') ?? ''),
    },
  },
  promote: {
    inputs: [
      INPUTS.workingDirectory,
      INPUTS.mode,
      INPUTS.model,
      INPUTS.stage,
      INPUTS.registry,
      ...PUSH,
      INPUTS.githubToken,
    ],
    required: [INPUTS.model, INPUTS.stage],
    defaults: { [INPUTS.mode]: 'pr', [INPUTS.registry]: 'registry', [INPUTS.push]: 'false' },
    steps: [
      {
        command: (input) => {
          const ref = input(INPUTS.model);
          if (ref.startsWith('-'))
            throw new UserError(`Invalid input model: '${ref}'. Expected model, model@v3 or model#stage.`);
          return ['promote', ref];
        },
        flags: [{ input: INPUTS.stage, flag: '--to' }, INPUTS.registry, ...PUSH_FLAGS],
        when: (input) => promoteMode(input) === 'commit',
      },
      {
        command: () => ['github', 'promotion-pr'],
        flags: [
          INPUTS.registry,
          (input) => {
            const ref = input(INPUTS.model);
            const version = /@([^@#]+)$/.exec(ref)?.[1];
            return ['--model', modelName(ref), ...(version ? ['--version', version] : [])];
          },
          INPUTS.stage,
        ],
        when: (input) => promoteMode(input) === 'pr',
        github: true,
      },
    ],
  },
  deploy: {
    inputs: [INPUTS.workingDirectory, INPUTS.model, INPUTS.target, INPUTS.registry, INPUTS.out],
    required: [INPUTS.model],
    defaults: { [INPUTS.target]: 'k8s', [INPUTS.registry]: 'registry', [INPUTS.out]: 'deploy' },
    steps: [
      {
        command: () => ['deploy'],
        flags: [INPUTS.target, INPUTS.registry, INPUTS.model, INPUTS.out],
      },
    ],
    outputs: { [OUTPUTS.out]: ({ input }) => input(INPUTS.out) },
  },
  predict: {
    inputs: [
      INPUTS.workingDirectory,
      INPUTS.model,
      INPUTS.input,
      INPUTS.output,
      INPUTS.registry,
      INPUTS.spec,
      INPUTS.id,
      INPUTS.onError,
      INPUTS.reject,
      INPUTS.workers,
      INPUTS.allowEmpty,
      INPUTS.force,
    ],
    required: [INPUTS.model, INPUTS.input, INPUTS.output],
    steps: [
      {
        command: () => ['predict'],
        flags: [
          INPUTS.model,
          INPUTS.input,
          INPUTS.output,
          INPUTS.registry,
          (input) => {
            const columns = input(INPUTS.id)
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean);
            return columns.length > 0 ? ['--id', ...columns] : [];
          },
          INPUTS.onError,
          INPUTS.reject,
          INPUTS.workers,
          INPUTS.spec,
          { input: INPUTS.allowEmpty, switch: '--allow-empty' },
          FORCE,
        ],
      },
    ],
    outputs: { [OUTPUTS.out]: ({ input }) => input(INPUTS.output) },
  },
  export: {
    inputs: [
      INPUTS.workingDirectory,
      INPUTS.model,
      INPUTS.target,
      INPUTS.out,
      INPUTS.registry,
      INPUTS.spec,
      INPUTS.quantize,
      INPUTS.holdout,
      INPUTS.tolerance,
      INPUTS.allowQualityDrop,
      INPUTS.title,
    ],
    required: [INPUTS.model],
    defaults: { [INPUTS.target]: 'web', [INPUTS.out]: 'modelgate-out/web' },
    steps: [
      {
        command: () => ['export'],
        flags: [
          INPUTS.model,
          INPUTS.target,
          INPUTS.out,
          INPUTS.registry,
          INPUTS.spec,
          INPUTS.quantize,
          INPUTS.holdout,
          INPUTS.tolerance,
          { input: INPUTS.allowQualityDrop, switch: '--allow-quality-drop' },
          INPUTS.title,
        ],
      },
    ],
    outputs: { [OUTPUTS.out]: ({ input }) => input(INPUTS.out) },
  },
  monitor: {
    inputs: [
      INPUTS.workingDirectory,
      INPUTS.config,
      INPUTS.model,
      INPUTS.reference,
      INPUTS.current,
      INPUTS.format,
      INPUTS.registry,
      INPUTS.out,
      INPUTS.force,
      INPUTS.chunk,
      INPUTS.time,
      INPUTS.prediction,
      INPUTS.issue,
      INPUTS.dispatchWorkflow,
      INPUTS.dispatchEvent,
      INPUTS.githubToken,
      INPUTS.failOnAlert,
    ],
    required: [INPUTS.current],
    defaults: {
      [INPUTS.registry]: 'registry',
      [INPUTS.out]: 'modelgate-out/monitor',
      [INPUTS.issue]: 'false',
      [INPUTS.failOnAlert]: 'false',
    },
    steps: [
      {
        command: () => ['monitor'],
        flags: [
          INPUTS.config,
          // With a reference profile, model only names the issue: monitor takes one or the other.
          (input) =>
            input(INPUTS.model) && !input(INPUTS.reference) ? ['--model', input(INPUTS.model)] : [],
          INPUTS.reference,
          INPUTS.current,
          INPUTS.format,
          INPUTS.registry,
          INPUTS.out,
          FORCE,
          INPUTS.chunk,
          INPUTS.time,
          INPUTS.prediction,
        ],
      },
      {
        command: () => ['github', 'monitor-issue'],
        flags: [
          { input: INPUTS.out, flag: '--monitor' },
          (input) => {
            if (!input(INPUTS.model))
              throw new UserError('Input model: required with issue: true (the issue is per model).');
            return ['--model', modelName(input(INPUTS.model))];
          },
          INPUTS.dispatchWorkflow,
          INPUTS.dispatchEvent,
        ],
        when: (input) => isTrue(input, INPUTS.issue),
        github: true,
      },
    ],
    outputs: { [OUTPUTS.alert]: (run) => String(run.codes[0] === 1) },
    failOnCheck: (input) => isTrue(input, INPUTS.failOnAlert),
  },
};

/** The CLI arguments of one step, from the inputs. */
export function stepArgv(step: CliStep, input: InputReader): string[] {
  const argv = step.command(input);
  for (const rule of step.flags) {
    if (typeof rule === 'function') argv.push(...rule(input));
    else if (typeof rule === 'string') {
      if (input(rule)) argv.push(`--${rule}`, input(rule));
    } else if ('switch' in rule) {
      if (isTrue(input, rule.input)) argv.push(rule.switch);
    } else if (input(rule.input)) argv.push(rule.flag, input(rule.input));
  }
  return argv;
}
