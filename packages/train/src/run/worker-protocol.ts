import type { TrialOutcome } from '../search/driver.js';
import type { TrialEnvironment, TrialTask } from './trial.js';

export type ToWorker =
  | { type: 'init'; env: TrialEnvironment; trainerModule?: string }
  | { type: 'trial'; task: TrialTask };

export type FromWorker = { type: 'ready' } | { type: 'outcome'; id: number; outcome: TrialOutcome };
