import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  method: string;
  /** The documented path template, e.g. /repos/{owner}/{repo}/issues. */
  template: string;
  operationId: string;
  params: Record<string, string>;
}

let spec: Json | undefined;

/** GitHub's OpenAPI description of api.github.com, from @octokit/openapi (with $refs, not dereferenced). */
function loadSpec(): Json {
  if (!spec) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    spec = JSON.parse(readFileSync(file, 'utf8')) as Json;
  }
  return spec;
}

function pointer(ref: string): unknown {
  const parts = ref.replace(/^#\//, '').split('/');
  let node: unknown = loadSpec();
  for (const part of parts) node = (node as Json)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  if (node === undefined) throw new Error(`openapi: unresolved $ref ${ref}`);
  return node;
}

/** Parameters, request bodies and responses may be $refs into components. */
function deref<T>(node: unknown): T {
  let current = node as Json;
  while (typeof current.$ref === 'string' && !current.$ref.startsWith('#/components/schemas/')) {
    current = pointer(current.$ref) as Json;
  }
  return current as T;
}

const templates = new Map<string, RegExp>();

function templateRegex(template: string): RegExp {
  let re = templates.get(template);
  if (!re) {
    const source = template
      .split(/(\{[^}]+\})/)
      .map((part) =>
        part.startsWith('{') ? `(?<${part.slice(1, -1)}>[^/]+)` : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
      )
      .join('');
    re = new RegExp(
      `^${source.replace(/\(\?<([^>]+)>/g, (_m, n: string) => `(?<${n.replace(/\W/g, '_')}>`)}$`,
    );
    templates.set(template, re);
  }
  return re;
}

/** The documented operation for a method and concrete path; literal segments win over parameters. */
export function findOperation(method: string, path: string): Operation | undefined {
  const paths = loadSpec().paths as Record<string, Record<string, Json>>;
  const lower = method.toLowerCase();
  const candidates = Object.keys(paths)
    .filter((t) => paths[t]?.[lower] !== undefined)
    .map((template) => ({ template, match: templateRegex(template).exec(path) }))
    .filter((c) => c.match !== null)
    .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  const best = candidates[0];
  if (!best?.match) return undefined;
  const names = [...best.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const params: Record<string, string> = {};
  for (const name of names) {
    params[name] = decodeURIComponent(best.match.groups?.[name.replace(/\W/g, '_')] ?? '');
  }
  const operation = paths[best.template]?.[lower] as Json;
  return { method: lower, template: best.template, operationId: String(operation.operationId), params };
}

/** OpenAPI 3.0's `nullable` as JSON Schema; Ajv rejects `nullable` without a `type`. */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, example: _example, examples: _examples, ...rest } = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(rest)) {
    out[key] = key === 'properties' ? mapValues(value as Json, normalize) : normalize(value);
  }
  if (nullable !== true) return out;
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'], ...nullEnum(out) };
  return { anyOf: [{ type: 'null' }, out] };
}

function nullEnum(schema: Json): Json {
  return Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {};
}

function mapValues(object: Json, f: (v: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, f(v)]));
}

/** A self-contained schema: the root plus every component schema it reaches. */
function standalone(schema: unknown): Json {
  const components: Json = {};
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string') {
      const name = ref.slice('#/components/schemas/'.length);
      if (!(name in components)) {
        components[name] = {};
        const target = pointer(ref);
        components[name] = normalize(target);
        visit(target);
      }
      return;
    }
    for (const value of Object.values(node as Json)) visit(value);
  };
  visit(schema);
  return { ...(normalize(schema) as Json), components: { schemas: components } };
}

let ajv: Ajv | undefined;

function compiler(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
    addFormats(ajv);
    // GitHub's own format names, which JSON Schema does not define.
    for (const format of ['repo.nwo', 'ssh-key', 'uri-template', 'ssh-key fingerprint'])
      ajv.addFormat(format, true);
  }
  return ajv;
}

const compiled = new Map<string, ValidateFunction>();

function validator(key: string, schema: () => Json): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) {
    fn = compiler().compile(schema());
    compiled.set(key, fn);
  }
  return fn;
}

function operationNode(op: Operation): Json {
  return (loadSpec().paths as Record<string, Record<string, Json>>)[op.template]?.[op.method] as Json;
}

function describe(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
    .join('; ');
}

/** Problems with a request: path and query parameters, and the JSON body (which may carry no undocumented field). */
export function checkRequest(op: Operation, query: URLSearchParams, body: unknown): string[] {
  const node = operationNode(op);
  const problems: string[] = [];
  const parameters = ((node.parameters as unknown[]) ?? []).map((p) => deref<Parameter>(p));
  for (const p of parameters) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    const raw = p.in === 'path' ? op.params[p.name] : (query.get(p.name) ?? undefined);
    if (raw === undefined) {
      if (p.required) problems.push(`missing ${p.in} parameter ${p.name}`);
      continue;
    }
    const schema = (p.schema ?? {}) as Json;
    const value = schema.type === 'integer' || schema.type === 'number' ? Number(raw) : raw;
    const fn = validator(`${op.operationId} param ${p.name}`, () => standalone(schema));
    if (!fn(value)) problems.push(`${p.in} parameter ${p.name}=${raw}: ${describe(fn)}`);
  }
  const known = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of query.keys())
    if (!known.has(name)) problems.push(`undocumented query parameter ${name}`);
  const requestBody = node.requestBody ? deref<Json>(node.requestBody) : undefined;
  const schema = (requestBody?.content as Record<string, Json> | undefined)?.['application/json']?.schema;
  if (schema === undefined) {
    if (body !== undefined) problems.push('this operation takes no request body');
    return problems;
  }
  if (body === undefined) {
    if (requestBody?.required) problems.push('missing request body');
    return problems;
  }
  const fn = validator(`${op.operationId} request`, () => strictTopLevel(standalone(schema)));
  if (!fn(body)) problems.push(`request body: ${describe(fn)}`);
  return problems;
}

/** GitHub ignores unknown fields; the emulator does not, so a misspelt field fails the test. */
function strictTopLevel(schema: Json): Json {
  if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined) {
    return { ...schema, additionalProperties: false };
  }
  return schema;
}

/** Problems with a response: the status must be documented and the body match its schema. */
export function checkResponse(op: Operation, status: number, body: unknown): string[] {
  const responses = (operationNode(op).responses ?? {}) as Record<string, unknown>;
  const documented = responses[String(status)];
  if (!documented) return [`status ${status} is not documented for ${op.operationId}`];
  const content = deref<Json>(documented).content as Record<string, Json> | undefined;
  const schema = content?.['application/json']?.schema;
  if (schema === undefined)
    return body === undefined ? [] : [`status ${status} of ${op.operationId} has no body`];
  const fn = validator(`${op.operationId} response ${status}`, () => standalone(schema));
  return fn(body) ? [] : [`response body (${status}): ${describe(fn)}`];
}

/** The documented example response, a starting point for resources the emulator makes up. */
export function exampleResponse(operationId: string, status: number): Json {
  const paths = loadSpec().paths as Record<string, Record<string, Json>>;
  for (const methods of Object.values(paths)) {
    for (const node of Object.values(methods)) {
      if (node?.operationId !== operationId) continue;
      const response = deref<Json>((node.responses as Json)[String(status)]);
      const json = (response.content as Record<string, Json>)['application/json'] as Json;
      const example = Object.values(json.examples as Json)[0] as Json;
      const value = deref<Json>(example).value;
      return structuredClone(Array.isArray(value) ? value[0] : value) as Json;
    }
  }
  throw new Error(`openapi: no operation ${operationId}`);
}
