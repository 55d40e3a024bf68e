export { categoricalFeature, countInfinite, numericFeature } from './encode.js';
export { type FeatureSelection, selectFeatures } from './features.js';
export { type PreparedProblem, prepareProblem } from './prepare.js';
export { readSplitDirectory, resolveSplits, type SplitFiles, type SplitSource } from './split-source.js';
export { labelsOf, MIN_CLASS_ROWS, regressionValues, targetPresent } from './target.js';
