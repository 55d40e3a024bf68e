import type { Command } from 'commander';
import { type CliContext, createContext } from './context.js';
import type { CommandOutcome } from './outcome.js';

export type CommandAction<O> = (options: O, ctx: CliContext, args: string[]) => Promise<CommandOutcome>;

/** Turns a command's action into a commander handler; `wrap` is how each command module registers. */
export type Wrap = <O>(run: CommandAction<O>) => (...args: unknown[]) => Promise<void>;

export function createWrap(onOutcome: (outcome: CommandOutcome, ctx: CliContext) => void): Wrap {
  return (run) =>
    async (...args) => {
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals() as { json?: boolean };
      const ctx = createContext({ json: globals.json === true });
      const positional = args.slice(0, -2).filter((a): a is string => typeof a === 'string');
      onOutcome(await run(command.opts() as Parameters<typeof run>[0], ctx, positional), ctx);
    };
}
