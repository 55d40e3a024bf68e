export { EXIT, type MainIO, main } from './main.js';
export type { CommandOutcome, Finding } from './outcome.js';
