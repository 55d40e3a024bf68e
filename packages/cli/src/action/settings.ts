import * as core from '@actions/core';
import { UserError } from '@modelgate/core';
import { ACTION_COMMANDS, type ActionCommand, INPUTS, type InputName, isActionCommand } from './inputs.js';
import { BOOLEAN_INPUTS, type InputReader, isTrue, STAGES, type StageSpec } from './stages.js';

export interface ActionSettings {
  command: ActionCommand;
  stage: StageSpec;
  workingDirectory: string;
  /** An input's value, or the stage's default for it, or ''. */
  input: InputReader;
}

/**
 * Composite actions do not export their inputs; action.yml hands them over as one
 * JSON variable (`MODELGATE_INPUTS: ${{ toJSON(inputs) }}`), which becomes the
 * INPUT_* variables @actions/core reads, as for a JavaScript action.
 */
export function exportCompositeInputs(env: NodeJS.ProcessEnv = process.env): void {
  const json = env.MODELGATE_INPUTS;
  if (!json) return;
  let inputs: unknown;
  try {
    inputs = JSON.parse(json);
  } catch {
    throw new UserError('MODELGATE_INPUTS: expected the JSON object of the action inputs (toJSON(inputs)).');
  }
  for (const [name, value] of Object.entries(inputs as Record<string, unknown>)) {
    if (value !== null && value !== undefined)
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value);
  }
}

/** Reads the runner's INPUT_* variables once: the command to run and a reader for its inputs. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  exportCompositeInputs(env);
  const command = env.MODELGATE_COMMAND || core.getInput(INPUTS.command, { required: true });
  if (!isActionCommand(command)) {
    throw new UserError(`Invalid command '${command}'. Expected one of ${ACTION_COMMANDS.join(', ')}.`);
  }
  const stage = STAGES[command];
  const input: InputReader = (name: InputName) => core.getInput(name) || stage.defaults?.[name] || '';
  for (const name of stage.required ?? []) {
    if (!input(name)) throw new UserError(`Input required and not supplied: ${name} (for ${command}).`);
  }
  for (const name of BOOLEAN_INPUTS) if (stage.inputs.includes(name)) isTrue(input, name);
  return { command, stage, workingDirectory: input(INPUTS.workingDirectory) || '.', input };
}
