import { SPEC_METADATA_KEYS, specMetadataProps } from '@modelgate/runtime';
import type { Algorithm, ProblemSpec } from '../types.js';

/** The modelgate.* metadata_props keys: the runtime's, under the name train always exported. */
export const METADATA_KEYS = SPEC_METADATA_KEYS;

/** The modelgate.* metadata_props every built-in model carries: the spec and the algorithm. */
export function modelMetadata(
  spec: ProblemSpec,
  algorithm: Algorithm,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return specMetadataProps(spec, { [METADATA_KEYS.algorithm]: algorithm, ...extra });
}

/** Stamped into a command's model: the candidate's name, as the built-in models carry their algorithm. */
export const TRAINER_METADATA_KEY = 'modelgate.trainer';
