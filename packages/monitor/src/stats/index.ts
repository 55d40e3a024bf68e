export { binShares, binWeights, EMPTY_BIN_EPSILON, equalFrequencyEdges } from './binning.js';
export { binomialPmf, binomialUpperTail } from './binomial.js';
export { type ChiSquareResult, chiSquare } from './chisquare.js';
export { hellinger, jensenShannon, klDivergence, psi, type Shares } from './divergence.js';
export { type KsResult, ksPValue, ksStatistic, ksTest } from './ks.js';
export { wasserstein } from './wasserstein.js';
export { type WeightedValues, walkUnion, weightedFromPairs, weightedFromSamples } from './weighted.js';
export { twoProportionZ, type ZTestResult } from './z-test.js';
