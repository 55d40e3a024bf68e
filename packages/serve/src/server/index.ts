export type { RunningServer, ServeOptions } from './options.js';
export { startServer } from './start-server.js';
