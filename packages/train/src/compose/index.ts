export { COMPOSE_TOLERANCE, checkComposition } from './check.js';
export { composeEncodedModel, PREPROCESS_METADATA_KEY } from './compose.js';
export { MIN_OPSETS, mergeOpsets } from './opsets.js';
