import type { SpecFlags } from '@modelgate/runtime';
import type { Command } from 'commander';

/**
 * --spec, --features, --classes and --task: how a user describes a bare ONNX
 * file that records no spec (the runtime's SpecFlags, as commander gives them).
 */
export function addSpecOptions(command: Command): Command {
  return command
    .option(
      '--spec <file>',
      'for a model that records no spec: a JSON file with task, target, features and classes',
    )
    .option('--features <a,b,c>', 'for a model that records no spec: its feature columns, in input order')
    .option('--classes <x,y>', 'for a classifier that records no spec: its classes, in probability order')
    .option('--task <task>', 'with --features: binary, multiclass or regression (default: from --classes)')
    .addHelpText(
      'after',
      '\nA model that records its own spec refuses --spec, --features, --classes or --task\nthat say otherwise (the same values are fine).',
    );
}

/** The spec flags of a command's parsed options. */
export function specFlagsOf(flags: SpecFlags): SpecFlags {
  const { spec, features, classes, task } = flags;
  return { spec, features, classes, task };
}
