import type { Database } from '@modelgate/core';
import { type EncodingOptions, encodingKey } from '../preprocess/encoding.js';
import {
  type EncodableProblem,
  type EncodedSplits,
  encodedDir,
  writeEncodedSplits,
} from '../preprocess/files.js';
import type { CandidateSpace, SearchSpace } from '../search/space.js';

/** The encoded splits of a run, one set per distinct `preprocess:` of its command candidates. */
export type EncodedSplitSets = Record<string, EncodedSplits>;

/** The distinct encodings the candidates ask for. */
export function encodingsOf(candidates: readonly CandidateSpace[]): EncodingOptions[] {
  const found = new Map<string, EncodingOptions>();
  for (const c of candidates) if (c.preprocess) found.set(encodingKey(c.preprocess), c.preprocess);
  return [...found.values()];
}

/**
 * Fits and writes the encoded splits every candidate of `space` needs under
 * `workDir`/encoded/<key>/; undefined when no candidate asks for them.
 */
export async function writeEncodedSplitSets(
  db: Database,
  problem: EncodableProblem,
  space: SearchSpace,
  workDir: string,
): Promise<EncodedSplitSets | undefined> {
  const encodings = encodingsOf(space);
  if (encodings.length === 0) return undefined;
  const sets: EncodedSplitSets = {};
  for (const options of encodings) {
    sets[encodingKey(options)] = await writeEncodedSplits(db, problem, options, encodedDir(workDir, options));
  }
  return sets;
}

/** The encoded splits of a candidate; a candidate without `preprocess` has none. */
export function encodedSplitsOf(
  sets: EncodedSplitSets | undefined,
  candidate: CandidateSpace,
): EncodedSplits | undefined {
  if (!candidate.preprocess) return undefined;
  const found = sets?.[encodingKey(candidate.preprocess)];
  if (!found) throw new Error(`the encoded splits (${encodingKey(candidate.preprocess)}) were not written`);
  return found;
}
