export { type CompareLabelsInput, compareShadow, type ShadowCompareOptions } from './compare.js';
export type { DifferenceSummary } from './differences.js';
export type { LatencyComparison, ProductionLatency, ShadowLatency } from './latency.js';
export { agreementPercent, COMPARE_HEADING, renderCompareMarkdown } from './markdown.js';
export { SHADOW_ROLE } from './roles.js';
export * from './types.js';
