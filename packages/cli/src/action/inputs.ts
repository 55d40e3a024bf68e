/** Input and output names shared by the action entry, its tests and every action.yml. */
export const INPUTS = {
  command: 'command',
  workingDirectory: 'working-directory',
  config: 'config',
  data: 'data',
  format: 'format',
  schema: 'schema',
  writeSchema: 'write-schema',
  key: 'key',
  out: 'out',
  target: 'target',
  by: 'by',
  validation: 'validation',
  test: 'test',
  seed: 'seed',
  mode: 'mode',
  splits: 'splits',
  parallel: 'parallel',
  plan: 'plan',
  trial: 'trial',
  trials: 'trials',
  cache: 'cache',
  model: 'model',
  baseline: 'baseline',
  registry: 'registry',
  spec: 'spec',
  comment: 'comment',
  check: 'check',
  githubToken: 'github-token',
  name: 'name',
  parent: 'parent',
  push: 'push',
  remote: 'remote',
  branch: 'branch',
  gtoTags: 'gto-tags',
  stage: 'stage',
  input: 'input',
  output: 'output',
  reference: 'reference',
  current: 'current',
  chunk: 'chunk',
  time: 'time',
  prediction: 'prediction',
  issue: 'issue',
  dispatchWorkflow: 'dispatch-workflow',
  dispatchEvent: 'dispatch-event',
  failOnAlert: 'fail-on-alert',
  id: 'id',
  onError: 'on-error',
  reject: 'reject',
  workers: 'workers',
  quantize: 'quantize',
  holdout: 'holdout',
  tolerance: 'tolerance',
  allowQualityDrop: 'allow-quality-drop',
  allowEmpty: 'allow-empty',
  force: 'force',
  title: 'title',
} as const;

export type InputName = (typeof INPUTS)[keyof typeof INPUTS];

export const OUTPUTS = {
  exitCode: 'exit-code',
  result: 'result',
  modelDir: 'model-dir',
  cacheHit: 'cache-hit',
  matrix: 'matrix',
  passed: 'passed',
  report: 'report',
  version: 'version',
  out: 'out',
  alert: 'alert',
} as const;

export type OutputName = (typeof OUTPUTS)[keyof typeof OUTPUTS];

/** Every command the root action.yml runs; all but profile and split also have actions/<command>. */
export const ACTION_COMMANDS = [
  'validate',
  'profile',
  'split',
  'train',
  'evaluate',
  'register',
  'promote',
  'deploy',
  'predict',
  'export',
  'monitor',
] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

export function isActionCommand(value: string): value is ActionCommand {
  return (ACTION_COMMANDS as readonly string[]).includes(value);
}
