export * from './driver.js';
export { gridPoints, gridSize, gridValues } from './grid.js';
export * from './halving.js';
export {
  categoricalProbabilities,
  fitParzen,
  logDensity,
  logMass,
  type ParzenEstimator,
  sampleParzen,
} from './parzen.js';
export { randomPoints, samplePoint } from './random.js';
export { RandomSource } from './random-source.js';
export * from './settings.js';
export * from './space.js';
export { defaultStartup, type Observation, proposeTpe, type TpeOptions } from './tpe.js';
