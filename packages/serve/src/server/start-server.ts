import { usableCores } from '@modelgate/core';
import type { Registry } from 'prom-client';
import { buildApp } from './app.js';
import type { InlineChoice } from './inline-session.js';
import { ServerMetrics } from './metrics.js';
import { ModelHost } from './model-host.js';
import { type RunningServer, type ServeOptions, serveSettings } from './options.js';
import { startPolling } from './poller.js';
import { ShadowHost } from './shadow/shadow-host.js';
import { threadsPerWorker } from './worker-pool.js';

/**
 * Loads (sha256-verified) and warms every model in a pool of worker threads,
 * then listens. Resolves once the server is ready; a bad reference or model
 * rejects with a UserError before anything listens.
 */
export function startServer(options: ServeOptions): Promise<RunningServer> {
  return startServerWith(options, {});
}

/** How an acceptor of `--acceptors` differs from a server of its own. */
export interface ServerHooks {
  /** Given the server's registry at start, returns what /metrics answers. */
  metricsText?: (registry: Registry) => () => Promise<string>;
  /** `--inline auto`'s choices by model sha256: used as measured, and added to as models are timed. */
  inlineChoices?: Map<string, InlineChoice>;
}

export async function startServerWith(options: ServeOptions, hooks: ServerHooks): Promise<RunningServer> {
  const settings = serveSettings(options);
  const metrics = new ServerMetrics();
  if (hooks.metricsText) metrics.text = hooks.metricsText(metrics.registry);
  metrics.provider.set({ provider: settings.provider }, 1);
  const host = new ModelHost(settings, metrics, hooks.inlineChoices);
  await host.start();
  const shadow = await ShadowHost.start(settings, host, metrics).catch(async (err: unknown) => {
    await host.close();
    metrics.stop();
    throw err;
  });
  const { app, startClosing } = buildApp(settings, host, metrics, shadow);
  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (err) {
    await shadow?.close();
    await host.close();
    metrics.stop();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const shownHost = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${shownHost}:${port}`;
  settings.log({
    level: 'info',
    event: 'listening',
    url,
    cores: usableCores(),
    workers: settings.workers,
    threadsPerWorker: threadsPerWorker(settings.workers),
  });

  // The shadow follows its reference too, whether or not the production's reload went through.
  const reload = () => host.reload().finally(() => shadow?.reload());
  const stopPolling = startPolling(settings.pollIntervalMs, reload, settings.log);

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      stopPolling();
      startClosing();
      await app.close();
      await host.close();
      await shadow?.close();
      await settings.predictionLog?.close();
      metrics.stop();
      settings.log({ level: 'info', event: 'closed' });
    })();
    return closed;
  };
  return { url, close, reload };
}
