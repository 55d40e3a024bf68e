export { type AcceptorCount, resolveAcceptors } from './acceptors/count.js';
export { type AcceptorsOptions, startAcceptors } from './acceptors/primary.js';
export type { InlineMode } from './inline-session.js';
export type { RunningServer, ServeOptions } from './options.js';
export type { ShadowOptions } from './shadow/options.js';
export { startServer } from './start-server.js';
