import { DEFAULT_CONFIG_FILE, UserError } from '@modelgate/core';
import {
  digestFile,
  formatBytes,
  REGISTRY_FILES,
  type RegisterResult,
  registerVersion,
} from '@modelgate/registry';
import type { Command } from 'commander';
import type { CommandOutcome, Finding } from '../outcome.js';
import { findConfig } from '../project.js';
import type { Wrap } from '../runner.js';
import {
  addPushOptions,
  addRegistryOption,
  describeCommit,
  type PushFlags,
  pushRequest,
  type RegistryFlags,
} from './registry-options.js';

interface RegisterFlags extends RegistryFlags, PushFlags {
  model: string;
  name?: string;
  parent?: string;
  config?: string;
  gtoTags?: boolean;
}

const NOTES = `
--model is a training output directory holding model.onnx, or a model file: the files
beside it come along (metadata.json, signature.json, evaluation.json, reference-profile.json).
Registering the same model bytes again changes nothing and prints the existing version.
The change is one git commit; --push pushes it and retries when other jobs push first.
--registry is a directory with registry.yaml (modelgate init writes one). The first register
into a new or empty directory starts a registry there, with default stages, and says so; a
--registry inside a registry, a folder of other files, or a new directory in a repository that
already has a registry is refused, naming the registry (to start a second one, create its
registry.yaml first).
--model must hold an ONNX model; bytes in another format only with a signature.json beside them.`;

export function registerRegister(program: Command, wrap: Wrap): void {
  addPushOptions(
    addRegistryOption(
      program
        .command('register')
        .description('add a model version to the registry (a directory in git) as one commit')
        .requiredOption('-m, --model <dir|file>', 'training output directory, or its model.onnx')
        .option('-n, --name <model>', 'model name in the registry (default: model in the config)')
        .option('--parent <version>', 'the version this one derives from (default: the previous version)')
        .option(
          '-c, --config <file>',
          `config whose sha256 is recorded (default: ${DEFAULT_CONFIG_FILE} when it exists)`,
        )
        .option('--gto-tags', 'also write a GTO tag (<model>@vN.0.0), whatever registry.yaml says'),
    ),
  )
    .addHelpText('after', NOTES)
    .action(wrap<RegisterFlags>((flags) => runRegister(flags)));
}

function newRegistryNote(registry: string): string {
  return `started a new registry in ${registry} (its ${REGISTRY_FILES.settings} has the default stages); if you meant an existing one, check --registry.`;
}

function render(result: RegisterResult, registry: string): string {
  const where = `${registry}/${result.name}/versions/${result.version}`;
  const model = `model.onnx ${formatBytes(result.bytes)}, sha256 ${result.sha256.slice(0, 12)}…${result.storage === 'lfs' ? ' (Git LFS)' : ''}`;
  if (!result.created) {
    return `${result.name} ${result.version} already holds this model (${model}); nothing to do.\n  ${where}`;
  }
  return `registered ${result.name} ${result.version}: ${model}\n  ${where}\n  ${describeCommit(result)}`;
}

async function runRegister(flags: RegisterFlags): Promise<CommandOutcome> {
  const found = await findConfig(flags.config);
  const name = flags.name ?? found?.config.model;
  if (!name) {
    throw new UserError(
      `no model name: pass --name <model>, or run where a ${DEFAULT_CONFIG_FILE} names the model.`,
    );
  }
  const result = await registerVersion({
    registryDir: flags.registry,
    name,
    model: flags.model,
    push: pushRequest(flags),
    ...(flags.parent ? { parent: flags.parent } : {}),
    ...(found ? { configHash: (await digestFile(found.file)).sha256 } : {}),
    ...(flags.gtoTags ? { gtoTags: true } : {}),
  });
  const text = render(result, flags.registry);
  const findings: Finding[] = result.newRegistry
    ? [{ level: 'warning', title: 'modelgate register', message: newRegistryNote(flags.registry) }]
    : [];
  return {
    exitCode: 0,
    data: result,
    text: result.newRegistry ? `${text}\n${newRegistryNote(flags.registry)}` : text,
    findings,
    summary: result.created
      ? `### Registered \`${result.name}\` ${result.version}\n\nmodel.onnx sha256 \`${result.sha256}\` (${formatBytes(result.bytes)}), in \`${flags.registry}/${result.name}/versions/${result.version}\`.\n`
      : `### \`${result.name}\` ${result.version} already holds this model\n`,
  };
}
