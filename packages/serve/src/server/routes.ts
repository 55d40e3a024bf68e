import { createRequire } from 'node:module';
import { errorMessage } from '@modelgate/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, type HttpError, MalformedBody, unavailable } from './http-error.js';
import { encodeInvocation, parseInvocation } from './mlflow-request.js';
import type { ModelVersion } from './models.js';
import { parseInferRequest } from './oip-request.js';
import { encodeInferResponse } from './oip-response.js';
import { requestId, score, scored } from './scoring.js';
import { type Context, findModel, generationOf, type ModelParams, sendError } from './server-context.js';
import { type ElementType, OIP_DATATYPE } from './tensor.js';

const SERVER_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

function tensorMetadata(tensors: readonly { name: string; type: ElementType; shape: readonly number[] }[]) {
  return tensors.map((t) => ({ name: t.name, datatype: OIP_DATATYPE[t.type], shape: t.shape }));
}

/** The spec as metadata parameters; a packed model also says which input takes the packed tensor. */
function specParameters(model: ModelVersion) {
  const { spec } = model;
  return {
    task: spec?.task ?? null,
    target: spec?.target ?? null,
    classes: spec?.classes ?? null,
    features: spec?.features ?? null,
    spec_source: model.specSource,
    ...(model.io.packed ? { packed_input: model.io.packed.name } : {}),
  };
}

/** Every input a client may send (a packed model's per-feature columns too) and the outputs as served. */
function modelMetadata(ctx: Context, model: ModelVersion) {
  const versions = generationOf(ctx)
    .models.filter((m) => m.name === model.name)
    .map((m) => m.version);
  return {
    name: model.name,
    versions,
    platform: 'onnxruntime_onnx',
    inputs: tensorMetadata(
      [...model.io.inputs.values()].map((i) => ({ ...i, type: i.types[0] as ElementType })),
    ),
    outputs: tensorMetadata(model.io.outputs),
    parameters: {
      version: model.version,
      sha256: model.sha256,
      execution_provider: ctx.settings.provider,
      ...specParameters(model),
    },
  };
}

/** A byte body's memory goes back to the pool once the route has answered (its tensors are views on it). */
const releasing =
  <R extends FastifyRequest>(
    ctx: Context,
    route: (request: R, reply: FastifyReply) => Promise<FastifyReply>,
  ) =>
  (request: R, reply: FastifyReply) =>
    route(request, reply).finally(() => ctx.bodies.release(request.body));

function inferRoute(ctx: Context) {
  return releasing(ctx, (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) =>
    scored(ctx, 'oip', reply, async (setModel) => {
      const model = findModel(ctx, request.params);
      setModel(model);
      const { json, binary } = splitBinaryBody(request);
      const infer = parseInferRequest(model, json, binary);
      const id = requestId(request, infer.id);
      const outputs = await score(ctx, model, infer.inputs, infer.rows, id);
      const response = encodeInferResponse(model, infer, outputs);
      return { body: response.body, headers: { ...response.headers, 'x-request-id': id } };
    }),
  );
}

/**
 * The request's JSON: a parsed body as it is; a byte body (binary tensor data extension) split at
 * Inference-Header-Content-Length, its first bytes being the JSON request.
 */
function splitBinaryBody(request: FastifyRequest): { json: unknown; binary?: Buffer } {
  const body = request.body;
  if (body instanceof MalformedBody) throw badRequest(body.message);
  if (!Buffer.isBuffer(body)) return { json: body };
  const header = request.headers['inference-header-content-length'];
  const length = header === undefined ? body.length : Number(header);
  if (!Number.isInteger(length) || length < 0 || length > body.length) {
    throw badRequest(
      `Inference-Header-Content-Length '${String(header)}' must be an integer of at most the body size (${body.length})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8', 0, length));
  } catch (err) {
    const what = header === undefined ? 'the request body' : 'the JSON part of a binary request';
    throw badRequest(`${what} is not valid JSON: ${errorMessage(err)}`);
  }
  return { json, binary: body.subarray(length) };
}

function invocationsRoute(ctx: Context) {
  return releasing(ctx, (request: FastifyRequest, reply: FastifyReply) =>
    scored(ctx, 'mlflow', reply, async (setModel) => {
      const generation = generationOf(ctx);
      const model = generation.models[0] as ModelVersion;
      setModel(model);
      const contentType = String(request.headers['content-type'] ?? 'application/json');
      const body = splitBinaryBody(request).json;
      const { inputs, rows } = parseInvocation(model, contentType, body);
      const id = requestId(request);
      const outputs = await score(ctx, model, inputs, rows, id);
      return {
        body: encodeInvocation(outputs, rows),
        headers: { 'content-type': 'application/json', 'x-request-id': id },
      };
    }),
  );
}

export function registerRoutes(app: FastifyInstance, ctx: Context): void {
  const ready = () => ctx.host.generation !== undefined && !ctx.closing;
  const health = (_: FastifyRequest, reply: FastifyReply) =>
    ready() ? reply.send({ ready: true }) : sendError(reply, unavailable('not ready'));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', health);
  app.get('/v2', async () => ({
    name: 'modelgate',
    version: SERVER_VERSION,
    extensions: ['binary_tensor_data'],
  }));
  const metadata = (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    try {
      return reply.send(modelMetadata(ctx, findModel(ctx, request.params)));
    } catch (err) {
      return sendError(reply, err as HttpError);
    }
  };
  const modelReady = (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    try {
      const model = findModel(ctx, request.params);
      return reply.send({ name: model.name, version: model.version, ready: true });
    } catch (err) {
      return sendError(reply, err as HttpError);
    }
  };
  for (const prefix of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get(prefix, metadata);
    app.get(`${prefix}/ready`, modelReady);
    app.post(`${prefix}/infer`, inferRoute(ctx));
  }
  app.post('/invocations', invocationsRoute(ctx));
  app.get('/ping', health);
  app.get('/health', health);
  app.get('/version', async () => ({
    version: SERVER_VERSION,
    models: (ctx.host.generation?.models ?? []).map((m) => ({
      name: m.name,
      version: m.version,
      ref: m.ref,
    })),
  }));
  app.get('/metrics', async (_, reply) =>
    reply.header('content-type', ctx.metrics.registry.contentType).send(await ctx.metrics.text()),
  );
}
