export { checkComposition } from './check.js';
export { composeEncodedModel, PREPROCESS_METADATA_KEY } from './compose.js';
