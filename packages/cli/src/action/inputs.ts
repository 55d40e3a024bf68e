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
} as const;

export const OUTPUTS = {
  exitCode: 'exit-code',
  result: 'result',
} as const;

export const ACTION_COMMANDS = ['validate', 'profile', 'split'] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/** Inputs passed through to the CLI as `--<name> <value>` when set. */
export const PASSTHROUGH_INPUTS = [
  INPUTS.config,
  INPUTS.data,
  INPUTS.format,
  INPUTS.schema,
  INPUTS.writeSchema,
  INPUTS.key,
  INPUTS.out,
  INPUTS.target,
  INPUTS.by,
  INPUTS.validation,
  INPUTS.test,
  INPUTS.seed,
] as const;

const DATA_INPUTS = [INPUTS.workingDirectory, INPUTS.config, INPUTS.data, INPUTS.format] as const;

/** The inputs of each command's own action, actions/<command>/action.yml. */
export const COMMAND_INPUTS: Readonly<Record<ActionCommand, readonly string[]>> = {
  validate: [...DATA_INPUTS, INPUTS.schema, INPUTS.writeSchema, INPUTS.key],
  profile: [...DATA_INPUTS, INPUTS.out],
  split: [...DATA_INPUTS, INPUTS.out, INPUTS.target, INPUTS.by, INPUTS.validation, INPUTS.test, INPUTS.seed],
};
