export * from './data/columns.js';
export * from './data/database.js';
export * from './data/fingerprint.js';
export * from './data/format.js';
export * from './data/kinds.js';
export * from './data/load.js';
export * from './data/sql.js';
export * from './errors.js';
