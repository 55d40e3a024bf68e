import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

const here = dirname(fileURLToPath(import.meta.url));

/** Like `kubectl apply --validate=strict`: a field the structural schema does not list is an error. */
function strictly(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictly);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strictly(s)]))
        : strictly(v),
    ]),
  );
  if (
    'properties' in out &&
    !('additionalProperties' in out) &&
    !out['x-kubernetes-preserve-unknown-fields']
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/** A vendored KServe CRD schema excerpt (see the .md beside it), compiled strictly. */
async function crdValidator(file: string): Promise<ValidateFunction> {
  const schema = JSON.parse(await readFile(join(here, 'fixtures', file), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  ajv.addVocabulary([
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-preserve-unknown-fields',
  ]);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  return ajv.compile(strictly(schema) as object);
}

/** The InferenceService v1beta1 schema (fixtures/kserve-inferenceservice.md). */
export function inferenceServiceValidator(): Promise<ValidateFunction> {
  return crdValidator('kserve-inferenceservice-v1beta1.schema.json');
}

/** The ClusterServingRuntime v1alpha1 schema (fixtures/kserve-clusterservingruntime.md). */
export function clusterServingRuntimeValidator(): Promise<ValidateFunction> {
  return crdValidator('kserve-clusterservingruntime-v1alpha1.schema.json');
}
