import { startServer } from '@modelgate/serve';
import type { CliContext } from '../context.js';
import { parseNumber } from '../flags.js';
import type { CommandOutcome } from '../outcome.js';

export interface LocalFlags {
  registry: string;
  model: string;
  host: string;
  port?: string;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Serves the model on this machine until `until` resolves (a signal, in the CLI), then drains and stops. */
export async function deployLocal(
  flags: LocalFlags,
  ctx: CliContext,
  until: (url: string) => Promise<unknown> = untilSignal,
): Promise<CommandOutcome> {
  const server = await startServer({
    registry: flags.registry,
    models: [flags.model],
    host: flags.host,
    port: parseNumber('port', flags.port, true) ?? 8080,
    log: (line) => ctx.log(JSON.stringify(line)),
  });
  ctx.log(`serving ${flags.model} at ${server.url} (Ctrl-C to stop)`);
  try {
    await until(server.url);
  } finally {
    await server.close();
  }
  return {
    exitCode: 0,
    data: { url: server.url, model: flags.model },
    text: `stopped serving ${flags.model} at ${server.url}`,
  };
}
