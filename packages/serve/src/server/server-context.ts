import type { FastifyReply } from 'fastify';
import type { BinaryBodies } from './binary-body.js';
import { type HttpError, notFound, unavailable } from './http-error.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelHost } from './model-host.js';
import type { ModelVersion } from './models.js';
import type { ServeSettings } from './options.js';
import type { ShadowHost } from './shadow/shadow-host.js';

export type Protocol = 'oip' | 'mlflow';

export interface ModelParams {
  model: string;
  version?: string;
}

/** Per-server state the routes share. */
export interface Context {
  settings: ServeSettings;
  host: ModelHost;
  metrics: ServerMetrics;
  /** Reads byte bodies; a route gives a body back with `release` once it has answered. */
  bodies: BinaryBodies;
  admitted: number;
  closing: boolean;
  /** `--shadow`: offered a copy of every answered request. */
  shadow?: ShadowHost;
}

export function sendError(reply: FastifyReply, err: HttpError): FastifyReply {
  return reply.code(err.status).headers(err.headers).send({ error: err.message });
}

export function generationOf(ctx: Context) {
  const generation = ctx.host.generation;
  if (!generation || ctx.closing) throw unavailable('the server is not ready (loading or shutting down)');
  return generation;
}

export function findModel(ctx: Context, params: ModelParams): ModelVersion {
  const generation = generationOf(ctx);
  const model = generation.find(params.model, params.version);
  if (!model) {
    const served = generation.models.map((m) => `${m.name} ${m.version}`).join(', ');
    throw notFound(
      `no model '${params.model}'${params.version !== undefined ? ` version '${params.version}'` : ''} is served here (serving: ${served})`,
    );
  }
  return model;
}
