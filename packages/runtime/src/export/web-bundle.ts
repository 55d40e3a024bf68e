import { copyFile, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isUserError, UserError, withStagedOutputs } from '@modelgate/core';
import { type InputPlan, planInputs } from '../feeds.js';
import type { ModelSpec } from '../model/index.js';
import { type OutputPlan, planOutputs } from '../outputs.js';
import { createSession } from '../session.js';
import { readSignature } from '../signature.js';
import { MODEL_MODULE } from './web-module.js';
import { APP_JS, indexHtml, STYLE_CSS } from './web-page.js';

export const WEB_SCHEMA_FORMAT = 'modelgate.web-schema/1';

/** The onnxruntime-web files the WASM backend loads: the ES module and its single SIMD build. */
export const ORT_WEB_FILES = [
  'ort.wasm.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
] as const;

export const BUNDLE_FILES = {
  model: 'model.onnx',
  schema: 'schema.json',
  module: 'modelgate-model.js',
  page: 'index.html',
  app: 'app.js',
  style: 'style.css',
} as const;

export interface WebFeature {
  name: string;
  kind: 'numeric' | 'categorical';
  /** The model input's element type ('float32', 'string', ...). */
  type: string;
  categories?: string[];
}

/** schema.json: what the page's form shows and how modelgate-model.js builds feeds and reads outputs. */
export interface WebSchema {
  format: typeof WEB_SCHEMA_FORMAT;
  title: string;
  task: ModelSpec['task'];
  target: string | null;
  classes: string[];
  features: WebFeature[];
  inputs: InputPlan;
  outputs: OutputPlan;
}

export interface WebBundleOptions {
  /** The model's bytes (already quantized, if wanted). */
  model: Uint8Array;
  out: string;
  /** The model's spec, as the one resolver gives it (resolveModel). */
  spec: ModelSpec;
  /** How messages name the model, e.g. 'penguins-species@v3' or a path. */
  label?: string;
  /** The page's and schema.json's title, published with the bundle (default: 'model'); see webTitle. */
  title?: string;
  /** Replace the files of an existing non-empty `out`. */
  force?: boolean;
}

export interface WebBundle {
  out: string;
  files: { name: string; bytes: number }[];
  schema: WebSchema;
  /** Files of `out` that the bundle replaced (with `force`). */
  replaced: string[];
}

function ortWebDist(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  } catch {
    throw new UserError('onnxruntime-web is not installed: npm install onnxruntime-web');
  }
}

async function checkOut(out: string, force: boolean): Promise<void> {
  const entries = await readdir(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    if (err.code === 'ENOTDIR') throw new UserError(`--out ${out}: a file, expected a directory`);
    throw new UserError(`--out ${out}: ${err.message}`);
  });
  if (entries.length > 0 && !force) {
    throw new UserError(
      `--out ${out}: the directory is not empty (${entries.length} entries); choose an empty one, or pass --force to replace the bundle's files`,
    );
  }
}

/**
 * The schema the bundle's module runs on, planned with the same code
 * onnxruntime-node runs; a model whose inputs or outputs do not fit the spec
 * is a UserError naming it.
 */
export async function webSchema(
  model: Uint8Array,
  spec: ModelSpec,
  label: string,
  title = 'model',
): Promise<WebSchema> {
  const session = await createSession(model, { label });
  try {
    const signature = readSignature(session);
    let inputs: InputPlan;
    let outputs: OutputPlan;
    try {
      inputs = planInputs(signature, spec);
      outputs = planOutputs(signature, spec);
    } catch (err) {
      throw isUserError(err) ? new UserError(`${label}: ${err.message}`) : err;
    }
    const types = new Map(signature.inputs.map((i) => [i.name, i.type]));
    const features = spec.features.map(({ name, kind, categories }): WebFeature => {
      const type = inputs.mode === 'packed' ? inputs.type : (types.get(name) ?? 'float32');
      return categories ? { name, kind, type, categories: [...categories] } : { name, kind, type };
    });
    return {
      format: WEB_SCHEMA_FORMAT,
      title,
      task: spec.task,
      target: spec.target,
      classes: [...(spec.classes ?? [])],
      features,
      inputs,
      outputs,
    };
  } finally {
    await session.release();
  }
}

/**
 * A static site that predicts in the browser: model.onnx, schema.json, the
 * modelgate-model.js module (`predict(rows)`), index.html with a form and a
 * CSV drop zone, and onnxruntime-web's WASM runtime. Written all or nothing.
 */
export async function writeWebBundle(options: WebBundleOptions): Promise<WebBundle> {
  const label = options.label ?? 'model';
  await checkOut(options.out, options.force === true);
  const schema = await webSchema(options.model, options.spec, label, options.title);
  const dist = ortWebDist();
  const { result, replaced } = await withStagedOutputs(options.out, async (dir) => {
    const texts: [string, string][] = [
      [BUNDLE_FILES.schema, `${JSON.stringify(schema, null, 2)}\n`],
      [BUNDLE_FILES.module, MODEL_MODULE],
      [BUNDLE_FILES.page, indexHtml(schema.title)],
      [BUNDLE_FILES.app, APP_JS],
      [BUNDLE_FILES.style, STYLE_CSS],
    ];
    const files: WebBundle['files'] = [{ name: BUNDLE_FILES.model, bytes: options.model.length }];
    await writeFile(join(dir, BUNDLE_FILES.model), options.model);
    for (const [name, text] of texts) {
      await writeFile(join(dir, name), text);
      files.push({ name, bytes: Buffer.byteLength(text) });
    }
    for (const name of ORT_WEB_FILES) {
      await copyFile(join(dist, name), join(dir, name));
      files.push({ name, bytes: (await stat(join(dir, name))).size });
    }
    return files;
  });
  return { out: options.out, files: result, schema, replaced };
}
