import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Database, type ModelgateConfig, parseConfig } from '@modelgate/core';
import {
  type Algorithm,
  builtInTrainer,
  OnnxGraph,
  onnx,
  type Params,
  type PreparedProblem,
  type ProblemSpec,
  prepareProblem,
} from '@modelgate/train';
import { dataset } from '../../core/test/datasets.js';

export const PENGUINS_DATA = dataset('penguins.json');

/** The penguins project as a config, with extra YAML (gate:, evaluate:) appended. */
export function penguinsConfig(
  extra = '',
  head = 'task: multiclass\ntarget: Species',
  data = PENGUINS_DATA,
): ModelgateConfig {
  return parseConfig(
    `model: penguins-species\n${head}\ndata: ${data}\nsplit: {validation: 0.15, test: 0.25, seed: 7}\n${extra}`,
    'test.yaml',
  );
}

/** The configured data split into `dir`/splits and prepared as `modelgate train` does. */
export function penguinsProblem(
  db: Database,
  config: ModelgateConfig,
  dir: string,
): Promise<PreparedProblem> {
  const path = typeof config.data === 'string' ? config.data : config.data.path;
  return prepareProblem(db, config, { data: { path }, out: join(dir, 'splits') });
}

/** A built-in model trained on the problem, as ONNX bytes with its modelgate.* metadata. */
export async function trainModel(
  problem: PreparedProblem,
  algorithm: Algorithm,
  params: Params = {},
): Promise<Uint8Array> {
  const trainer = builtInTrainer(algorithm);
  const { spec, sets } = problem;
  const model = await trainer.fit(spec, sets.train, sets.validation, params, { seed: 1 });
  return model.toOnnx(spec);
}

/** The same model without its metadata: how a bring-your-own model arrives. */
export function withoutMetadata(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  model.metadataProps = [];
  return onnx.ModelProto.encode(model).finish();
}

/** A classifier taking one packed float [N, width] input: too narrow for the penguins features. */
export function packedClassifier(width: number, classes: readonly string[]): Uint8Array {
  const g = new OnnxGraph('packed');
  const x = g.input('x', { dtype: 'float', shape: ['N', width] });
  const weights = g.initializer('w', new Float32Array(width * classes.length).fill(0.1), [
    width,
    classes.length,
  ]);
  const scores = g.node('MatMul', [x, weights]);
  const probabilities = g.node('Softmax', [scores]);
  g.output(probabilities, 'probabilities', { dtype: 'float', shape: ['N', classes.length] });
  return g.toBytes();
}

export async function writeModel(
  dir: string,
  name: string,
  bytes: Uint8Array,
  spec?: ProblemSpec,
): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'model.onnx'), bytes);
  if (spec) await writeFile(join(folder, 'metadata.json'), JSON.stringify({ spec }));
  return join(folder, 'model.onnx');
}
