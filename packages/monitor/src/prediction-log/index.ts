export * from './files.js';
export type { SkippedLogLines, TornLine } from './lines.js';
export * from './load.js';
export * from './options.js';
export * from './profiles.js';
