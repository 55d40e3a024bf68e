import { pathToFileURL } from 'node:url';
import { builtInTrainer, type TrainerLookup } from '../trainers.js';
import type { Algorithm, Trainer } from '../types.js';

/**
 * The trainers of a search: the built-in ones, or those a module exports as
 * `trainers` (an object algorithm -> Trainer) before the built-in ones. A
 * module path, unlike a function, can reach worker processes.
 */
export async function loadTrainers(modulePath: string | undefined): Promise<TrainerLookup> {
  if (!modulePath) return builtInTrainer;
  const loaded = (await import(pathToFileURL(modulePath).href)) as {
    trainers?: Partial<Record<Algorithm, Trainer>>;
  };
  const own = loaded.trainers ?? {};
  return (algorithm) => own[algorithm] ?? builtInTrainer(algorithm);
}
