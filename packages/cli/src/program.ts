import { Command } from 'commander';
import { registerConfig } from './commands/config.js';
import { registerDemo } from './commands/demo.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExport } from './commands/export.js';
import { registerGithub } from './commands/github.js';
import { registerInit } from './commands/init.js';
import { registerMonitor } from './commands/monitor.js';
import { registerPredict } from './commands/predict.js';
import { registerProfile } from './commands/profile.js';
import { registerPromote } from './commands/promote.js';
import { registerRegister } from './commands/register.js';
import { registerRegistry } from './commands/registry.js';
import { registerServe } from './commands/serve.js';
import { registerSite } from './commands/site.js';
import { registerSplit } from './commands/split.js';
import { registerTrain } from './commands/train.js';
import { registerValidate } from './commands/validate.js';
import type { Wrap } from './runner.js';
import { VERSION } from './version.js';

export interface ProgramOutput {
  writeOut: (text: string) => void;
  writeErr: (text: string) => void;
  /** How commander's own errors (unknown option, missing argument) are written. */
  outputError?: (text: string, write: (text: string) => void) => void;
}

/** Settings made here, before subcommands exist, are inherited by every subcommand. */
export function buildProgram(wrap: Wrap, output: ProgramOutput): Command {
  const program = new Command('modelgate')
    .exitOverride()
    .configureOutput(output)
    .description('The machine-learning lifecycle as GitOps on GitHub Actions.')
    .version(VERSION)
    .option('--json', 'print machine-readable JSON on stdout instead of text')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 a check failed (e.g. data violations), 2 bad usage or input, 3 internal error.',
    );
  registerInit(program, wrap);
  registerValidate(program, wrap);
  registerProfile(program, wrap);
  registerSplit(program, wrap);
  registerTrain(program, wrap);
  registerEvaluate(program, wrap);
  registerRegister(program, wrap);
  registerPromote(program, wrap);
  registerRegistry(program, wrap);
  registerMonitor(program, wrap);
  registerSite(program, wrap);
  registerServe(program, wrap);
  registerDeploy(program, wrap);
  registerPredict(program, wrap);
  registerExport(program, wrap);
  registerGithub(program, wrap);
  registerConfig(program, wrap);
  registerDoctor(program, wrap);
  registerDemo(program, wrap);
  return program;
}
