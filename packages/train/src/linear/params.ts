import { UserError } from '@modelgate/core';
import type { Params, ParamValue } from '../types.js';

/** A numeric hyperparameter and its valid range. */
export interface NumberParam {
  default: number;
  integer?: boolean;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive lower bound. */
  min?: number;
  max?: number;
}

export type ParamSpecs = Readonly<Record<string, NumberParam>>;

export function defaultsOf(specs: ParamSpecs): Params {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec.default]));
}

function describeRange(spec: NumberParam): string {
  const kind = spec.integer ? 'an integer' : 'a number';
  const parts: string[] = [];
  if (spec.above !== undefined) parts.push(`> ${spec.above}`);
  if (spec.min !== undefined) parts.push(`>= ${spec.min}`);
  if (spec.max !== undefined) parts.push(`<= ${spec.max}`);
  return parts.length ? `${kind} ${parts.join(' and ')}` : kind;
}

function valid(value: ParamValue, spec: NumberParam): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (spec.integer && !Number.isInteger(value)) return false;
  if (spec.above !== undefined && !(value > spec.above)) return false;
  if (spec.min !== undefined && value < spec.min) return false;
  return spec.max === undefined || value <= spec.max;
}

/** Defaults overridden by `params`; an unknown name or a bad value is a UserError naming the param. */
export function resolveParams<K extends string>(
  algorithm: string,
  specs: Readonly<Record<K, NumberParam>>,
  params: Params,
): Record<K, number> {
  const known = Object.keys(specs) as K[];
  for (const name of Object.keys(params)) {
    if (!known.includes(name as K)) {
      throw new UserError(`unknown parameter '${name}' for ${algorithm} (known: ${known.join(', ')})`);
    }
  }
  const out = {} as Record<K, number>;
  for (const name of known) {
    const spec = specs[name];
    const value = params[name] ?? spec.default;
    if (!valid(value, spec)) {
      throw new UserError(
        `parameter '${name}' for ${algorithm} must be ${describeRange(spec)}, got ${JSON.stringify(value)}`,
      );
    }
    out[name] = value;
  }
  return out;
}
