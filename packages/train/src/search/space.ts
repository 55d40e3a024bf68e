import type { CandidateConfig, ParamSpecConfig } from '@modelgate/core';
import { type EncodingOptions, encodingOptionsOf } from '../preprocess/encoding.js';
import type { Algorithm, Params, ParamValue } from '../types.js';

/** One hyperparameter's range: a distribution to draw from, or a constant. */
export type Dimension =
  | { kind: 'loguniform'; low: number; high: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'int'; low: number; high: number }
  | { kind: 'choice'; values: readonly ParamValue[] }
  | { kind: 'constant'; value: ParamValue };

/** A candidate of model selection: a built-in algorithm or a command, with its own dimensions. */
export interface CandidateSpace {
  /**
   * What tables, trials.json and the registry call it: the algorithm, or a
   * command's `name:`, else the command exactly as the config writes it.
   */
  label: string;
  algorithm?: Algorithm;
  command?: string;
  timeoutMinutes?: number;
  /** A command given the encoded splits (`preprocess: encoded`); its model is composed behind the encoding. */
  preprocess?: EncodingOptions;
  /** In config order. */
  dimensions: readonly (readonly [string, Dimension])[];
}

/** The whole space: TPE and random treat the candidate as one more categorical dimension. */
export type SearchSpace = readonly CandidateSpace[];

/** A point of the space: which candidate, and a value for each of its dimensions. */
export interface TrialPoint {
  candidate: number;
  params: Params;
}

export function dimensionOf(spec: ParamSpecConfig): Dimension {
  if (typeof spec !== 'object') return { kind: 'constant', value: spec };
  if ('loguniform' in spec) return { kind: 'loguniform', low: spec.loguniform[0], high: spec.loguniform[1] };
  if ('uniform' in spec) return { kind: 'uniform', low: spec.uniform[0], high: spec.uniform[1] };
  if ('int' in spec) return { kind: 'int', low: spec.int[0], high: spec.int[1] };
  return { kind: 'choice', values: spec.choice };
}

export function candidateSpace(config: CandidateConfig): CandidateSpace {
  const dimensions = Object.entries(config.params ?? {}).map(
    ([name, spec]) => [name, dimensionOf(spec)] as const,
  );
  if (config.algorithm) return { label: config.algorithm, algorithm: config.algorithm, dimensions };
  const command = config.command ?? '';
  const preprocess = encodingOptionsOf(config.preprocess);
  return {
    label: config.name ?? command,
    command,
    ...(config.timeout_minutes === undefined ? {} : { timeoutMinutes: config.timeout_minutes }),
    ...(preprocess ? { preprocess } : {}),
    dimensions,
  };
}

/** True when a grid can enumerate the space without picking points on a continuous range. */
export function isDiscrete(space: SearchSpace): boolean {
  return space.every((c) => c.dimensions.every(([, d]) => d.kind === 'choice' || d.kind === 'constant'));
}

/** Continuous draws keep six significant digits: tables and params.json stay readable. */
export function roundValue(value: number): number {
  return Number(value.toPrecision(6));
}

/** Two points are the same trial: the grid and random search never repeat one. */
export function pointKey(point: TrialPoint): string {
  const params = Object.entries(point.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([point.candidate, params]);
}
