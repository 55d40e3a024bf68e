import * as core from '@actions/core';
import { UserError } from '@modelgate/core';
import { ACTION_COMMANDS, type ActionCommand, INPUTS, PASSTHROUGH_INPUTS } from './inputs.js';

export interface ActionSettings {
  command: ActionCommand;
  workingDirectory: string;
  argv: string[];
}

function isActionCommand(value: string): value is ActionCommand {
  return (ACTION_COMMANDS as readonly string[]).includes(value);
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

/** Reads the runner's INPUT_* variables once into the CLI arguments they stand for. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  exportCompositeInputs(env);
  const command = env.MODELGATE_COMMAND || core.getInput(INPUTS.command, { required: true });
  if (!isActionCommand(command)) {
    throw new UserError(`Invalid command '${command}'. Expected one of ${ACTION_COMMANDS.join(', ')}.`);
  }
  const argv: string[] = ['--json', command];
  for (const name of PASSTHROUGH_INPUTS) {
    const value = core.getInput(name);
    if (value !== '') argv.push(`--${name}`, value);
  }
  return { command, workingDirectory: core.getInput(INPUTS.workingDirectory) || '.', argv };
}
