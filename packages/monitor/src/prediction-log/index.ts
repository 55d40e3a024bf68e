export * from './files.js';
export * from './load.js';
export * from './options.js';
export * from './profiles.js';
