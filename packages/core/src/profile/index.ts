export { type SummaryRow, summaryRows } from './format.js';
export { parseProfile, readProfile, stringifyProfile } from './json.js';
export { renderProfileMarkdown } from './markdown.js';
export { mergeProfiles } from './merge.js';
export { type ProfileOptions, profileDataset } from './profile.js';
export {
  cdf,
  coarsenTimeSketch,
  emptySketch,
  MAX_SKETCH_BINS,
  mergeSketches,
  NUMERIC_SKETCH_ACCURACY,
  type QuantileSketch,
  quantile,
  type SketchBin,
  type SketchBins,
  sketchBins,
  sketchCount,
} from './sketch.js';
export { EXACT_DISTINCT_MAX_ROWS } from './summary-query.js';
export * from './types.js';
