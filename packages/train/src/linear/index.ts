export type { LinearFit, LinearTrainedModel } from './linear-model.js';
export { logisticTrainer } from './logistic.js';
export { linearTrainer } from './ridge.js';
