export { type BinMapper, categoricalBins, type FeatureBins, fitBinMapper } from './binning.js';
export { GbdtModel } from './model.js';
export { GBDT_DEFAULTS, type GbdtParams, parseGbdtParams } from './params.js';
export { gbdtTrainer } from './trainer.js';
