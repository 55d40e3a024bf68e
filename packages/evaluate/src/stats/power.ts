import { normalCdf, normalQuantile, twoSidedZ } from './normal-quantile.js';

/** The power a minimum detectable effect is quoted at. */
export const MDE_POWER = 0.8;

export interface PowerAnalysis {
  /** Standard error of the difference the gate judges. */
  standardError: number;
  /**
   * The smallest true difference from the champion this holdout tells from
   * none with 80% power at the gate's level: (z_{1-α/2} + z_{0.8}) · SE.
   */
  mde: number;
  /** P(an equally good challenger passes non-inferiority at this margin). */
  equalPassProbability: number;
  /** Whether the holdout resolves differences the size of the margin: MDE <= margin. */
  enough: boolean;
  /** Rows that would bring the MDE down to the margin (SE shrinks as 1/√rows); null when already enough. */
  rowsNeeded: number | null;
}

/**
 * Power of non-inferiority at `margin` on `rows` paired rows whose
 * difference has standard error `standardError`, for a two-sided interval
 * at `level` (a one-sided test at (1 - level) / 2).
 */
export function powerAnalysis(
  standardError: number,
  margin: number,
  rows: number,
  level: number,
): PowerAnalysis {
  const z = twoSidedZ(level);
  const mde = (z + normalQuantile(MDE_POWER)) * standardError;
  const equalPassProbability = standardError > 0 ? normalCdf(margin / standardError - z) : margin > 0 ? 1 : 0;
  const enough = mde <= margin;
  const rowsNeeded = enough || !(margin > 0 && rows > 0) ? null : Math.ceil(rows * (mde / margin) ** 2);
  return { standardError, mde, equalPassProbability, enough, rowsNeeded };
}
