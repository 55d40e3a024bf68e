import { randomUUID } from 'node:crypto';
import { errorMessage } from '@modelgate/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, tooManyRequests } from './http-error.js';
import type { ModelVersion } from './models.js';
import { predictionEntry } from './prediction-entry.js';
import { servedOutputs } from './served-outputs.js';
import { type Context, generationOf, type Protocol, sendError } from './server-context.js';
import type { TensorData } from './tensor.js';

export function requestId(request: FastifyRequest, given?: string): string {
  const header = request.headers['x-request-id'];
  return (
    given ?? (typeof header === 'string' && header.length > 0 && header.length <= 200 ? header : randomUUID())
  );
}

/** Admission, batching, metrics and the prediction log around one scoring call; the outputs as served. */
export async function score(
  ctx: Context,
  model: ModelVersion,
  inputs: TensorData[],
  rows: number,
  id: string,
): Promise<TensorData[]> {
  if (ctx.admitted >= ctx.settings.maxQueue) {
    throw tooManyRequests(
      `the server is at its limit of ${ctx.settings.maxQueue} queued requests; retry later`,
    );
  }
  const generation = generationOf(ctx);
  ctx.admitted++;
  ctx.metrics.inFlight.inc();
  try {
    const raw = await generation
      .batcher(model)
      .submit(inputs, rows, Date.now() + ctx.settings.requestTimeoutMs);
    const outputs = servedOutputs(model, inputs, raw, rows);
    // One time for the answer's log rows and the shadow's copy: the two models' rows of a request
    // carry the same time, which (with the id) tells apart requests that reuse an id.
    const answered = new Date();
    const sink = ctx.settings.predictionLog;
    if (sink && (sink.accepts?.(id) ?? true)) {
      try {
        sink.record(predictionEntry(model, id, inputs, outputs, rows, answered));
      } catch (err) {
        ctx.settings.log({ level: 'warn', event: 'prediction-log-failed', error: errorMessage(err) });
      }
    }
    ctx.shadow?.offer(model, inputs, rows, id, answered);
    return outputs;
  } finally {
    ctx.admitted--;
    ctx.metrics.inFlight.dec();
  }
}

export function observe(
  ctx: Context,
  protocol: Protocol,
  model: ModelVersion | undefined,
  status: number,
  started: number,
  id?: string,
) {
  const labels = { model: model?.name ?? '', version: model?.version ?? '', protocol };
  ctx.metrics.requests.inc({ ...labels, status: String(status) });
  if (!model) return;
  const latencyMs = performance.now() - started;
  ctx.metrics.latency.observe(labels, latencyMs / 1000);
  const sink = ctx.settings.predictionLog;
  if (!sink?.request) return;
  try {
    sink.request({
      time: new Date(),
      ...(id !== undefined ? { requestId: id } : {}),
      model: model.name,
      version: model.version,
      status,
      latencyMs,
    });
  } catch (err) {
    ctx.settings.log({ level: 'warn', event: 'prediction-log-failed', error: errorMessage(err) });
  }
}

/** Runs a scoring route, turning every failure into `{"error": ...}` with the right status. */
export async function scored(
  ctx: Context,
  protocol: Protocol,
  reply: FastifyReply,
  work: (
    setModel: (m: ModelVersion) => void,
  ) => Promise<{ body: string | Buffer; headers: Record<string, string> }>,
): Promise<FastifyReply> {
  const started = performance.now();
  let model: ModelVersion | undefined;
  try {
    const { body, headers } = await work((m) => {
      model = m;
    });
    observe(ctx, protocol, model, 200, started, headers['x-request-id']);
    return reply.code(200).headers(headers).send(body);
  } catch (err) {
    const http =
      err instanceof HttpError
        ? err
        : new HttpError(500, `inference failed: ${errorMessage(err).split('\n')[0]}`);
    if (http.status >= 500 && http.status !== 503) {
      ctx.settings.log({
        level: 'error',
        event: 'inference-failed',
        model: model?.key,
        error: errorMessage(err),
      });
    }
    observe(ctx, protocol, model, http.status, started);
    return sendError(reply, http);
  }
}
