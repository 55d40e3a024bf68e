import { copyFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkComposition } from '../compose/check.js';
import { composeEncodedModel } from '../compose/compose.js';
import { type EncodedSplits, FEATURE_MAP_FILE } from '../preprocess/files.js';
import type { ProblemSpec, TrainingSet } from '../types.js';

/** Beside the composed model.onnx in a trial's directory: the model as the command wrote it. */
export const ENCODED_MODEL_FILE = 'model.encoded.onnx';

/**
 * A `preprocess: encoded` command's model behind the encoding: composed,
 * checked against the command's model on the encoded validation rows, then
 * written as the trial's model.onnx, the command's own kept as
 * model.encoded.onnx and the feature map beside them. Returns the composed bytes.
 */
export async function composeCommandModel(options: {
  model: Uint8Array;
  modelPath: string;
  encoded: EncodedSplits;
  spec: ProblemSpec;
  validation: TrainingSet;
}): Promise<Uint8Array> {
  const { model, modelPath, encoded, spec } = options;
  const composed = composeEncodedModel(model, encoded.encoding, spec, modelPath);
  await checkComposition({
    model,
    composed,
    encoding: encoded.encoding,
    columns: encoded.columns,
    spec,
    set: options.validation,
    label: modelPath,
  });
  const dir = dirname(modelPath);
  const original = join(dir, ENCODED_MODEL_FILE);
  await rm(original, { force: true });
  await rename(modelPath, original);
  await writeFile(modelPath, composed);
  await copyFile(encoded.featureMap, join(dir, FEATURE_MAP_FILE));
  return composed;
}
