export { type FeatureSelection, selectFeatures } from './features.js';
export { type PreparedProblem, prepareProblem } from './prepare.js';
export { readSplitDirectory, resolveSplits, type SplitFiles, type SplitSource } from './split-source.js';
export { MIN_CLASS_ROWS } from './target.js';
