import * as core from '@actions/core';
import { errorMessage } from '@modelgate/core';
import { main } from '../main.js';
import { OUTPUTS } from './inputs.js';
import { readSettings } from './settings.js';

/**
 * The action's entry: inputs -> CLI arguments -> the same main() users run,
 * with the JSON result and exit code as step outputs.
 */
export async function run(): Promise<void> {
  try {
    const settings = readSettings();
    process.chdir(settings.workingDirectory);
    let stdout = '';
    const code = await main(settings.argv, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => process.stderr.write(text),
    });
    core.setOutput(OUTPUTS.exitCode, String(code));
    core.setOutput(OUTPUTS.result, stdout.trim());
    if (code !== 0) core.setFailed(`modelgate ${settings.command} exited with code ${code}`);
  } catch (err) {
    core.setFailed(errorMessage(err));
  }
}
