import { errorMessage, UserError } from '@modelgate/core';
import { hasSpecFlags, type SpecFlags } from '@modelgate/runtime';
import {
  type AcceptorCount,
  createPredictionLog,
  type InlineMode,
  type PredictionLog,
  type RunningServer,
  resolveAcceptors,
  type ServeOptions,
  startAcceptors,
  startServer,
} from '@modelgate/serve';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collectFlag, parseNumber, parseShare } from '../flags.js';
import type { CommandOutcome } from '../outcome.js';
import type { Wrap } from '../runner.js';
import { addDeviceOption, type DeviceFlags, deviceProvider } from './device-option.js';
import { addRegistryOption, type RegistryFlags } from './registry-options.js';
import { addShadowOptions, type ShadowFlags, shadowOptionsOf } from './serve-shadow.js';
import { waitForStop } from './serve-signals.js';
import { addSpecOptions, specFlagsOf } from './spec-options.js';

interface ServeFlags extends RegistryFlags, SpecFlags, DeviceFlags, ShadowFlags {
  model: string[];
  port: string;
  host: string;
  workers?: string;
  maxBatchSize?: string;
  maxQueueDelayMs?: string;
  maxQueue?: string;
  bodyLimit?: string;
  requestTimeoutMs?: string;
  pollIntervalMs?: string;
  predictionLog?: string;
  sampleRate?: string;
  requestLines?: string;
  accessLog?: boolean;
  inline?: InlineMode;
  acceptors: string;
}

const HELP = `
Serves registry models over HTTP: the Open Inference Protocol v2 (/v2/...),
MLflow's /invocations, and Prometheus /metrics. --model takes name#stage
(follows the stage: SIGHUP or --poll-interval-ms hot-swaps a promoted version),
name@v3, name (latest), a .onnx file or a training output directory; repeat it
to serve several. A model's spec (features, classes) is read from the model or
the metadata.json beside it; for a bare ONNX file give --spec or --features and
--classes, else it is served as raw tensors only (named feature columns for a
packed input and class labels need a spec).
--acceptors (default auto: one per core, or per core of the container's CPU limit)
runs that many server processes on one port, so reading and answering requests
uses every core; each holds its own copy of the models (use --acceptors 1 for a
model too big to hold twice).
SIGTERM/SIGINT drain in-flight requests and exit 0. Logs are JSON lines on stderr.`;

const jsonLog = (line: object) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);

/** Numeric flags given on the command line, parsed; absent ones are left to the server's defaults. */
function numericOptions(flags: ServeFlags): Partial<ServeOptions> {
  const parsed: [keyof ServeOptions, string, string | undefined][] = [
    ['port', 'port', flags.port],
    ['workers', 'workers', flags.workers],
    ['maxBatchSize', 'max-batch-size', flags.maxBatchSize],
    ['maxQueueDelayMs', 'max-queue-delay-ms', flags.maxQueueDelayMs],
    ['maxQueue', 'max-queue', flags.maxQueue],
    ['bodyLimitBytes', 'body-limit', flags.bodyLimit],
    ['requestTimeoutMs', 'request-timeout-ms', flags.requestTimeoutMs],
    ['pollIntervalMs', 'poll-interval-ms', flags.pollIntervalMs],
  ];
  const out: Record<string, number> = {};
  for (const [key, flag, value] of parsed) {
    const n = parseNumber(flag, value, true);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

function acceptorCount(value: string): AcceptorCount {
  if (value === 'auto') return 'auto';
  if (!/^\d+$/.test(value.trim()))
    throw new UserError(`--acceptors '${value}': expected auto or an integer of at least 1.`);
  return Number(value);
}

async function serve(flags: ServeFlags, ctx: CliContext): Promise<CommandOutcome> {
  const provider = await deviceProvider(flags, undefined, ctx);
  const shadow = shadowOptionsOf(flags);
  const acceptors = resolveAcceptors(acceptorCount(flags.acceptors), provider);
  let predictionLog: PredictionLog | undefined;
  if (flags.predictionLog) {
    const sampleRate = parseShare('sample-rate', flags.sampleRate);
    const requestLines = parseShare('request-lines', flags.requestLines);
    predictionLog = createPredictionLog({
      dir: flags.predictionLog,
      ...(sampleRate !== undefined ? { sampleRate } : {}),
      ...(requestLines !== undefined ? { requestLines } : {}),
      onError: (err) => ctx.log(`modelgate serve: prediction log: ${errorMessage(err)}`),
    });
  }
  const specFlags = specFlagsOf(flags);
  const options: ServeOptions = {
    ...numericOptions(flags),
    ...(hasSpecFlags(specFlags) ? { specFlags } : {}),
    registry: flags.registry,
    models: flags.model,
    host: flags.host,
    log: jsonLog,
    accessLog: flags.accessLog === true,
    ...(flags.inline !== undefined ? { inline: flags.inline } : {}),
    provider,
    ...(predictionLog ? { predictionLog } : {}),
    ...shadow,
  };
  let server: RunningServer | undefined;
  const stop = waitForStop(() => {
    server?.reload().catch((err: unknown) => ctx.log(`modelgate serve: reload failed: ${errorMessage(err)}`));
  });
  try {
    server = acceptors > 1 ? await startAcceptors({ ...options, acceptors }) : await startServer(options);
  } catch (err) {
    stop.cancel();
    await predictionLog?.close();
    throw err;
  }
  // Long-running: the address is needed now, not with the outcome at exit (--json keeps stdout for that).
  if (!ctx.json)
    process.stdout.write(`modelgate serve: listening on ${server.url} (${flags.model.join(', ')})\n`);
  const signal = await stop.stopped;
  await server.close();
  return {
    exitCode: 0,
    data: { url: server.url, models: flags.model, stoppedBy: signal },
    text: `modelgate serve: stopped on ${signal} after draining in-flight requests`,
  };
}

export function registerServe(program: Command, wrap: Wrap): void {
  const command = program
    .command('serve')
    .description(
      'serve registry models over HTTP (Open Inference Protocol v2, MLflow /invocations, /metrics)',
    )
    .addHelpText('after', HELP)
    .requiredOption(
      '-m, --model <ref>',
      'model to serve: name#stage, name@v3, name, a .onnx file or a training output (repeatable)',
      collectFlag,
    )
    .option('-p, --port <n>', 'port (0 = any free port)', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0 in a container)', '127.0.0.1')
    .option(
      '--acceptors <n>',
      'server processes sharing the port, each with its own models: auto (one per core) or a number',
      'auto',
    )
    .option('--workers <n>', 'inference worker threads per acceptor (default: cores ÷ acceptors)')
    .option('--max-batch-size <rows>', 'rows per dynamic batch (default 64)')
    .option(
      '--max-queue-delay-ms <ms>',
      'wait up to this long for a batch to fill while a worker is free (default 0)',
    )
    .option(
      '--max-queue <n>',
      'requests admitted at once by each acceptor; more get 429 with Retry-After (default 1024)',
    )
    .option('--body-limit <bytes>', 'largest request body; larger get 413 (default 8388608)')
    .option(
      '--request-timeout-ms <ms>',
      'time to receive a request and deadline to start inference (default 30000)',
    )
    .option(
      '--poll-interval-ms <ms>',
      'watch the registry and hot-swap versions a stage points to (default: off)',
    )
    .option('--prediction-log <dir>', 'log served rows (sampled JSONL + hourly profiles) for monitoring')
    .option('--sample-rate <share>', 'share of requests the prediction log keeps, 0..1 (default 1)')
    .option(
      '--request-lines <share>',
      'share of answered requests also written as a JSON line; every request is counted in the per-minute aggregates, 0..1 (default 0)',
    )
    .option('--access-log', 'log every request as a JSON line')
    .option(
      '--inline <mode>',
      'run a small model on the HTTP thread when its batch costs less than the hop to a worker: auto (measured at load), always or never (default auto)',
    );
  addShadowOptions(command);
  addSpecOptions(addDeviceOption(command));
  addRegistryOption(command);
  command.action(wrap<ServeFlags>(serve));
}
