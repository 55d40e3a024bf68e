export { chi2Sf, gammaQ, logGamma } from './gamma.js';
export { kolmogorovSf } from './kolmogorov.js';
export { normalSf } from './normal.js';
export { clipProbability, roundHalfEven } from './scale.js';
export { smirnovSf } from './smirnov.js';
