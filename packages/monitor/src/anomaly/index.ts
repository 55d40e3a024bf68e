export { type Band, bandOf, DEFAULT_SIGMA, type Direction, MIN_BASELINE_VALUES, outside } from './band.js';
export { ELEVATION, type Elevation, outlierElevation } from './elevation.js';
export { addCounts, countOutliers, estimateOutliers, type OutlierCounts } from './outlier-counts.js';
export {
  combinedShare,
  DEFAULT_OUTLIER_THRESHOLD,
  type OutlierRule,
  outlierRules,
  type SkippedColumn,
  shareOutside,
} from './outlier-rules.js';
