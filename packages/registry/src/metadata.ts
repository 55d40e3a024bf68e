import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJson, UserError, zodErrorLine } from '@modelgate/core';
import { z } from 'zod';
import { REGISTRY_FILES, versionDir } from './layout.js';

export const METADATA_FORMAT = 'modelgate.version/1';

const digest = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits'),
  bytes: z.number().int().nonnegative(),
});

const tensor = z.strictObject({ name: z.string(), type: z.string(), shape: z.array(z.number().int()) });
const paramValue = z.union([z.number(), z.string(), z.boolean()]);

export const versionMetadataSchema = z.strictObject({
  format: z.literal(METADATA_FORMAT),
  name: z.string(),
  version: z.string(),
  createdAt: z.string(),
  model: digest.extend({ file: z.literal(REGISTRY_FILES.model), storage: z.enum(['git', 'lfs']) }),
  /** The other files of the version (evaluation, reference profile, card) with their digests. */
  files: z.record(z.string(), digest),
  signature: z.strictObject({ inputs: z.array(tensor), outputs: z.array(tensor) }).nullable(),
  onnx: z
    .strictObject({
      irVersion: z.number(),
      producer: z.string().nullable(),
      opsets: z.record(z.string(), z.number()),
    })
    .nullable(),
  task: z.string().nullable(),
  target: z.string().nullable(),
  classes: z.array(z.string()).nullable(),
  metrics: z.record(z.string(), z.number()),
  params: z.record(z.string(), paramValue),
  /** Data fingerprints as the training step recorded them (core's fingerprintFiles). */
  data: z.record(z.string(), z.unknown()),
  code: z.strictObject({ commit: z.string().nullable() }),
  configHash: z.string().nullable(),
  trainer: z.string().nullable(),
  parent: z.string().nullable(),
  ciRun: z.string().nullable(),
  /** Anything else the training step's metadata.json held, kept as it was. */
  training: z.record(z.string(), z.unknown()),
});

export type VersionMetadata = z.output<typeof versionMetadataSchema>;

export function stringifyMetadata(metadata: VersionMetadata): string {
  return `${JSON.stringify(metadata, null, 2)}\n`;
}

export function parseMetadata(text: string, file: string): VersionMetadata {
  const raw = parseJson(text, file);
  const parsed = versionMetadataSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(zodErrorLine(file, parsed.error, raw, { explain: true }));
  return parsed.data;
}

export async function readMetadata(
  registryDir: string,
  name: string,
  version: string,
): Promise<VersionMetadata> {
  const file = join(versionDir(registryDir, name, version), REGISTRY_FILES.metadata);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError(
      err.code === 'ENOENT'
        ? `${file}: missing: ${name} ${version} has no metadata`
        : `${file}: ${err.message}`,
    );
  });
  return parseMetadata(text, file);
}
