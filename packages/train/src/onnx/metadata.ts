import type { Algorithm, ProblemSpec } from '../types.js';

export const METADATA_KEYS = {
  task: 'modelgate.task',
  target: 'modelgate.target',
  classes: 'modelgate.classes',
  features: 'modelgate.features',
  algorithm: 'modelgate.algorithm',
} as const;

/** The modelgate.* metadata_props every built-in model carries. */
export function modelMetadata(
  spec: ProblemSpec,
  algorithm: Algorithm,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const features = spec.features.map((f) =>
    f.categories ? { name: f.name, kind: f.kind, categories: f.categories } : { name: f.name, kind: f.kind },
  );
  return {
    [METADATA_KEYS.task]: spec.task,
    [METADATA_KEYS.target]: spec.target,
    [METADATA_KEYS.classes]: JSON.stringify(spec.classes ?? []),
    [METADATA_KEYS.features]: JSON.stringify(features),
    [METADATA_KEYS.algorithm]: algorithm,
    ...extra,
  };
}
