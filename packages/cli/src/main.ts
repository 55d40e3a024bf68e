import { errorMessage, isUserError, oneLine } from '@modelgate/core';
import { CommanderError } from 'commander';
import type { CliContext } from './context.js';
import { reportToGitHub, underGitHubActions } from './github.js';
import type { CommandOutcome } from './outcome.js';
import { buildProgram } from './program.js';
import { createWrap } from './runner.js';

export const EXIT = { ok: 0, checkFailed: 1, usage: 2, internal: 3 } as const;

export interface MainIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIO: MainIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** An error as exactly one line, whatever the message holds: a name with a newline cannot add a line. */
function errorLine(message: string): string {
  return `${oneLine(message.replace(/\n$/, ''))}\n`;
}

/**
 * Commander's own errors (unknown option, missing argument) in the shape of a user error: one line,
 * its 'Did you mean' (which commander puts on a second line) and the pointer to --help included.
 */
function usageMessage(text: string): string {
  const error = text.replace(/\n$/, '').replace(/^error: /, '');
  const suggestion = /\n\((Did you mean [^\n]*\?)\)$/.exec(error);
  const message = suggestion ? error.slice(0, suggestion.index) : error;
  const sentence = /[.?!]$/.test(message) ? message : `${message}.`;
  return [sentence, suggestion?.[1], 'Run with --help for usage.'].filter(Boolean).join(' ');
}

const usageErrorLine = (text: string) => `modelgate: error: ${errorLine(usageMessage(text))}`;

/** Runs the CLI and returns the exit code; nothing here calls process.exit, so tests can call it. */
export async function main(argv: readonly string[], io: MainIO = processIO): Promise<number> {
  let result: { outcome: CommandOutcome; ctx: CliContext } | undefined;
  const program = buildProgram(
    createWrap((outcome, ctx) => {
      result = { outcome, ctx };
    }),
    { writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(usageErrorLine(text)) },
  );
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT.ok;
      // As for a user error: a script reading --json gets the error on stdout too.
      if (json) io.stdout(`${JSON.stringify({ error: usageMessage(err.message) })}\n`);
      return EXIT.usage;
    }
    if (isUserError(err)) {
      if (json)
        io.stdout(
          `${JSON.stringify({ error: err.message, ...(err.details.length > 0 ? { details: err.details } : {}) })}\n`,
        );
      io.stderr(`modelgate: error: ${errorLine(err.message)}`);
      for (const detail of err.details) io.stderr(`  ${errorLine(detail)}`);
      if (underGitHubActions())
        await reportToGitHub({
          exitCode: 1,
          data: null,
          text: '',
          findings: [{ level: 'error', message: [err.message, ...err.details].map(oneLine).join('\n') }],
        });
      return EXIT.usage;
    }
    io.stderr(
      `modelgate: internal error (please report it): ${errorLine(errorMessage(err))}${(err as Error)?.stack ?? ''}\n`,
    );
    return EXIT.internal;
  }
  if (!result) return EXIT.ok;
  const { outcome } = result;
  io.stdout(
    result.ctx.json
      ? `${JSON.stringify(outcome.data, null, 2)}\n`
      : outcome.text.endsWith('\n')
        ? outcome.text
        : `${outcome.text}\n`,
  );
  if (underGitHubActions()) await reportToGitHub(outcome);
  return outcome.exitCode;
}
