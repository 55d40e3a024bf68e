import type { IncomingMessage } from 'node:http';
import { errorMessage } from '@modelgate/core';
import Fastify, { type FastifyRequest } from 'fastify';
import { BinaryBodies } from './binary-body.js';
import { MalformedBody, notFound } from './http-error.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelHost } from './model-host.js';
import type { ServeSettings } from './options.js';
import { registerRoutes } from './routes.js';
import { type Context, sendError } from './server-context.js';
import type { ShadowHost } from './shadow/shadow-host.js';

const HEADERS_TIMEOUT_MS = 10_000;

export function buildApp(
  settings: ServeSettings,
  host: ModelHost,
  metrics: ServerMetrics,
  shadow?: ShadowHost,
) {
  const app = Fastify({
    logger: false,
    bodyLimit: settings.bodyLimitBytes,
    requestTimeout: settings.requestTimeoutMs,
    keepAliveTimeout: 5_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  app.server.headersTimeout = Math.min(HEADERS_TIMEOUT_MS, settings.requestTimeoutMs);
  const ctx: Context = {
    settings,
    host,
    metrics,
    bodies: new BinaryBodies(settings.bodyLimitBytes),
    admitted: 0,
    closing: false,
    ...(shadow ? { shadow } : {}),
  };
  // Plain JSON.parse: fastify's default also scans every body for __proto__/constructor keys, a cost per
  // request that buys nothing here, as the routes only read named fields and never merge request objects.
  app.removeContentTypeParser('application/json');
  // Invalid JSON is handed to the route as a MalformedBody, not failed here: fastify closes the
  // connection after a parser error, and reconnecting made a malformed request cost 1.5 valid ones.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      done(null, new MalformedBody(`the request body is not valid JSON: ${errorMessage(err)}`));
    }
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_, body, done) => done(null, body));
  // Binary tensor requests, and JSON sent without saying so (curl -d), arrive as bytes. The pattern
  // starts with ^ so only the media type is matched, as fastify asks.
  const asBytes = (
    request: FastifyRequest,
    payload: IncomingMessage,
    done: (err: Error | null, body?: Buffer) => void,
  ) => {
    ctx.bodies.read(payload, request.headers).then(
      (body) => done(null, body),
      (err: Error) => done(err, undefined),
    );
  };
  app.addContentTypeParser('*', asBytes);
  app.addContentTypeParser(/^[a-z]+\/[^;]*/i, asBytes);
  app.setErrorHandler((err: { statusCode?: number; message?: string }, _request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) settings.log({ level: 'error', event: 'request-failed', error: err.message });
    return reply
      .code(status)
      .send({ error: status >= 500 ? 'internal server error' : (err.message ?? 'bad request') });
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, notFound(`no route ${request.method} ${request.url.split('?')[0]}`)),
  );
  if (settings.accessLog) {
    app.addHook('onResponse', (request, reply, done) => {
      settings.log({
        level: 'info',
        event: 'request',
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
      });
      done();
    });
  }
  registerRoutes(app, ctx);
  return {
    app,
    startClosing: () => {
      ctx.closing = true;
    },
  };
}
