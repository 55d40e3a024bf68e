export { assembleReport, type ChunkInput, type WindowInput } from './assemble.js';
export { bySeverity, severityOf } from './columns.js';
export { driftOptionsFromConfig, monitorOptionsFromConfig } from './config.js';
export { baselineSize, MIN_AUTO_BASELINE, type MonitorOptions, resolveMonitorOptions } from './options.js';
export { monitorDataset } from './run-data.js';
export { monitorProfiles } from './run-profiles.js';
