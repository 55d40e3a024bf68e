export { OTHER_BIN } from './category-bins.js';
export { adjustPValues } from './correction.js';
export { detectDrift, driftFromSamples } from './detect.js';
export { DISCRETE_MAX_DISTINCT } from './distribution.js';
export { DEFAULT_THRESHOLDS, DRIFT_METHODS, type DriftMethod, P_VALUE_METHODS } from './methods.js';
export {
  CORRECTIONS,
  type Correction,
  DRIFT_DEFAULTS,
  DRIFT_KINDS,
  type DriftKind,
  type DriftOptions,
  type MethodChoice,
  resolveDriftOptions,
} from './options.js';
export { MIN_NORMALISING_STD } from './run-method.js';
export type { ColumnDrift, DriftReport, DriftSection, DriftStatus, SideCounts } from './types.js';
