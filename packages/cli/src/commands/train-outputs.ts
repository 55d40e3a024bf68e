import { join } from 'node:path';
import { EVALUATION_FILES } from '@modelgate/evaluate';
import {
  MATRIX_FILE,
  OUTPUT_FILES,
  PLAN_FILE,
  PLAN_SPLITS_DIR,
  PLAN_TRIALS_DIR,
  RESULT_FILE,
  TRAINER_DIR,
  TRIAL_OUTPUT_DIR,
  TRIALS_DIR,
} from '@modelgate/train';
import { presentIn } from '../out-path.js';

/** What train and train collect write into --out (a command candidate's kept directories too). */
export const TRAIN_OUTPUTS = [...OUTPUT_FILES, TRIALS_DIR, TRAINER_DIR];
/**
 * What train plan writes into --out, and the trial results an earlier plan there gathered:
 * collect would take them as this plan's.
 */
export const PLAN_OUTPUTS = [PLAN_FILE, MATRIX_FILE, PLAN_SPLITS_DIR, PLAN_TRIALS_DIR];
export const TRIAL_MODEL = 'model.onnx';
/** What train trial writes into --out. */
export const TRIAL_OUTPUTS = [RESULT_FILE, TRIAL_MODEL, TRIAL_OUTPUT_DIR];
/** What modelgate evaluate writes beside a model: it describes that model only. */
const EVALUATION_NAMES = Object.values(EVALUATION_FILES);

/**
 * With --force, the evaluation of the model a training run replaces in `out`: it goes with the old
 * model, so no report beside the new model describes another one. Without --force nothing is
 * removed: an out holding an earlier model is refused anyway.
 */
export function staleEvaluation(out: string, force: boolean): Promise<string[]> {
  return force ? presentIn(out, EVALUATION_NAMES) : Promise.resolve([]);
}

/** The line that says what --force removed from `out` beyond the files it replaced, and why. */
export function removedLine(out: string, removed: readonly string[], why: string): string {
  return `Removed ${removed.map((name) => join(out, name)).join(', ')}: ${why}.`;
}
