import { type ModelSpec, readOnnxMetadata, specFromMetadataProps } from '../../src/index.js';

/** The spec a model built by the toolkit carries in its modelgate.* metadata. */
export function recordedSpecOf(bytes: Uint8Array): ModelSpec {
  const spec = specFromMetadataProps(readOnnxMetadata(bytes));
  if (spec === undefined || typeof spec === 'string')
    throw new Error(`no readable spec in the model: ${spec}`);
  return spec;
}
