import { UserError } from '@modelgate/core';
import {
  DEFAULT_THRESHOLDS,
  DRIFT_METHODS,
  type DriftMethod,
  isDriftMethod,
  NUMERIC_ONLY_METHODS,
  usesPValue,
} from './methods.js';

export const CORRECTIONS = ['none', 'bonferroni', 'bh'] as const;
export type Correction = (typeof CORRECTIONS)[number];

/** Column kinds a method can be chosen for; text columns are never tested. */
export const DRIFT_KINDS = ['numeric', 'categorical', 'boolean', 'datetime'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface MethodChoice {
  method?: DriftMethod;
  threshold?: number;
  /** Equal-frequency reference bins for binned methods on numeric columns. */
  bins?: number;
}

export interface DriftOptions {
  /** Feature columns to test; default every reference column but the predictions and `ignore`. */
  columns?: readonly string[];
  ignore?: readonly string[];
  /** Model-output columns: tested the same way, reported in their own section. */
  predictions?: readonly string[];
  /** Method per column kind (boolean falls back to categorical). */
  byKind?: Partial<Record<DriftKind, MethodChoice>>;
  /** Method per column; fields not given come from the kind's choice. */
  byColumn?: Readonly<Record<string, MethodChoice>>;
  /** Default threshold per method (p-value below it, or distance at or above it, is drift). */
  thresholds?: Partial<Record<DriftMethod, number>>;
  /** Equal-frequency reference bins for binned methods; default 10. */
  bins?: number;
  /** A column with fewer values on either side is `too_small`, not drifted; default 30. */
  minRows?: number;
  /** Dataset drift when at least this share of tested columns drifted; default 0.5. */
  shareThreshold?: number;
  /** Multiple-testing correction over the p-value tests of one section; default none. */
  correction?: Correction;
  /** References up to this many values get the statistical tests; larger ones the distances. Default 1000. */
  smallReference?: number;
  /** Logarithm base of the Jensen–Shannon distance; default e (2 puts it in [0, 1]). */
  jensenShannonBase?: number;
}

export interface DriftSettings {
  features: string[];
  predictions: string[];
  byKind: Partial<Record<DriftKind, MethodChoice>>;
  byColumn: Readonly<Record<string, MethodChoice>>;
  thresholds: Record<DriftMethod, number>;
  bins: number;
  minRows: number;
  shareThreshold: number;
  correction: Correction;
  smallReference: number;
  jensenShannonBase: number | undefined;
}

export const DRIFT_DEFAULTS = {
  bins: 10,
  minRows: 30,
  shareThreshold: 0.5,
  correction: 'none',
  smallReference: 1000,
} as const satisfies Partial<DriftSettings>;

function fail(where: string, expected: string, got: unknown): never {
  throw new UserError(`drift option '${where}': expected ${expected}, got ${JSON.stringify(got)}.`);
}

function integerAtLeast(where: string, value: number | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) fail(where, `an integer ≥ ${min}`, value);
  return value;
}

function checkThreshold(where: string, method: DriftMethod, value: number): number {
  if (usesPValue(method) ? !(value > 0 && value < 1) : !(value > 0 && Number.isFinite(value))) {
    fail(
      where,
      usesPValue(method) ? `a p-value in (0, 1) for ${method}` : `a positive distance for ${method}`,
      value,
    );
  }
  return value;
}

function checkChoice(where: string, choice: MethodChoice, kind?: DriftKind): MethodChoice {
  const { method, threshold, bins } = choice;
  if (method !== undefined && !isDriftMethod(method))
    fail(`${where}.method`, `one of ${DRIFT_METHODS.join(', ')}`, method);
  if (method && kind && (kind === 'categorical' || kind === 'boolean') && NUMERIC_ONLY_METHODS.has(method)) {
    fail(`${where}.method`, 'chisquare, z, jensenshannon, psi, kl_div or hellinger for categories', method);
  }
  if (threshold !== undefined) {
    if (method) checkThreshold(`${where}.threshold`, method, threshold);
    else if (!(threshold > 0 && Number.isFinite(threshold)))
      fail(`${where}.threshold`, 'a positive number', threshold);
  }
  integerAtLeast(`${where}.bins`, bins, 2, 2);
  return choice;
}

function checkColumns(
  where: string,
  names: readonly string[] | undefined,
  available: ReadonlySet<string>,
): string[] {
  for (const name of names ?? []) {
    if (!available.has(name)) {
      throw new UserError(`drift option '${where}': '${name}' is not a column of the reference.`);
    }
  }
  return [...(names ?? [])];
}

/** Validates options against the reference's columns and fills in the defaults. */
export function resolveDriftOptions(
  options: DriftOptions,
  referenceColumns: readonly string[],
): DriftSettings {
  const available = new Set(referenceColumns);
  const predictions = checkColumns('predictions', options.predictions, available);
  const ignore = new Set([...checkColumns('ignore', options.ignore, available), ...predictions]);
  const features = (
    options.columns ? checkColumns('columns', options.columns, available) : [...referenceColumns]
  ).filter((name) => !ignore.has(name));
  const byKind: Partial<Record<DriftKind, MethodChoice>> = {};
  for (const [kind, choice] of Object.entries(options.byKind ?? {})) {
    if (!(DRIFT_KINDS as readonly string[]).includes(kind))
      fail('byKind', `keys among ${DRIFT_KINDS.join(', ')}`, kind);
    byKind[kind as DriftKind] = checkChoice(`byKind.${kind}`, choice, kind as DriftKind);
  }
  checkColumns('byColumn', Object.keys(options.byColumn ?? {}), available);
  for (const [name, choice] of Object.entries(options.byColumn ?? {}))
    checkChoice(`byColumn.${name}`, choice);
  const thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [method, value] of Object.entries(options.thresholds ?? {})) {
    if (!isDriftMethod(method)) fail('thresholds', `keys among ${DRIFT_METHODS.join(', ')}`, method);
    thresholds[method] = checkThreshold(`thresholds.${method}`, method, value);
  }
  const share = options.shareThreshold ?? DRIFT_DEFAULTS.shareThreshold;
  if (!(share > 0 && share <= 1)) fail('shareThreshold', 'a share in (0, 1]', share);
  const correction = options.correction ?? DRIFT_DEFAULTS.correction;
  if (!(CORRECTIONS as readonly string[]).includes(correction))
    fail('correction', CORRECTIONS.join(', '), correction);
  const base = options.jensenShannonBase;
  if (base !== undefined && !(base > 0 && base !== 1 && Number.isFinite(base))) {
    fail('jensenShannonBase', 'a logarithm base > 0 other than 1', base);
  }
  return {
    features,
    predictions,
    byKind,
    byColumn: options.byColumn ?? {},
    thresholds,
    bins: integerAtLeast('bins', options.bins, 2, DRIFT_DEFAULTS.bins),
    minRows: integerAtLeast('minRows', options.minRows, 1, DRIFT_DEFAULTS.minRows),
    shareThreshold: share,
    correction,
    smallReference: integerAtLeast(
      'smallReference',
      options.smallReference,
      0,
      DRIFT_DEFAULTS.smallReference,
    ),
    jensenShannonBase: base,
  };
}
