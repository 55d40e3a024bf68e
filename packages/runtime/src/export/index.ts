export { float16Bits, float16Value } from './float16.js';
export {
  checkQuantizedQuality,
  DEFAULT_QUALITY_TOLERANCE,
  type QualityCheck,
  type QualityOptions,
  rawColumnsSpec,
} from './quality.js';
export {
  QUANTIZE_MODES,
  type QuantizedTensor,
  type QuantizeMode,
  type QuantizeResult,
  quantizeModel,
} from './quantize.js';
export { checkWebTitle, webTitle } from './title.js';
export {
  BUNDLE_FILES,
  ORT_WEB_FILES,
  WEB_SCHEMA_FORMAT,
  type WebBundle,
  type WebBundleOptions,
  type WebFeature,
  type WebSchema,
  webSchema,
  writeWebBundle,
} from './web-bundle.js';
