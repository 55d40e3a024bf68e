import type { CandidateConfig, ModelgateConfig } from '@modelgate/core';
import { candidateSpace, type SearchSpace } from '../search/space.js';
import { checkCandidate, defaultAlgorithms, type TrainerLookup } from '../trainers.js';
import type { Params } from '../types.js';

/** The configured candidates, or every built-in trainer for the task with its defaults. */
export function candidateConfigs(config: ModelgateConfig): CandidateConfig[] {
  return config.train.candidates ?? defaultAlgorithms(config.task).map((algorithm) => ({ algorithm }));
}

/**
 * The search space, checked before any trial runs: an algorithm that cannot
 * do the task (or is not built), or a parameter its trainer does not know, is
 * a UserError naming the candidate.
 */
export function searchSpaceOf(config: ModelgateConfig, trainers: TrainerLookup): SearchSpace {
  return candidateConfigs(config).map((candidate, i) => {
    const space = candidateSpace(candidate);
    if (space.algorithm) {
      const names = Object.fromEntries(space.dimensions.map(([name]) => [name, 0])) as Params;
      checkCandidate(trainers(space.algorithm), config.task, names, `train.candidates[${i}]`);
    }
    return space;
  });
}
