import type { ParamValue } from '../types.js';
import { gridPoints } from './grid.js';
import { promotedCount, rungFractions } from './halving.js';
import { randomPoints } from './random.js';
import { RandomSource } from './random-source.js';
import type { SearchSettings } from './settings.js';
import type { SearchSpace, TrialPoint } from './space.js';
import { type Observation, proposeTpe } from './tpe.js';

/** One evaluation: a point on a rung's share of the full budget (1 without halving). */
export interface TrialRequest {
  id: number;
  point: TrialPoint;
  rung: number;
  fraction: number;
}

/** What an evaluation gave: the search metric on the validation split, or why it failed. */
export interface TrialOutcome {
  status: 'ok' | 'failed';
  /** The search metric. */
  value?: number;
  /** Every validation metric computed, the search metric included. */
  metrics?: Record<string, number>;
  /** The trained model's own report (e.g. rounds used) or what a command trainer wrote. */
  info?: Record<string, ParamValue>;
  /** The budget the trainer ran with, in its own unit; absent for the full budget. */
  budget?: number;
  error?: string;
  durationMs: number;
}

export interface RungResult extends TrialOutcome {
  rung: number;
  fraction: number;
  /** A trainer without a budget runs once: its result goes up the rungs unchanged. */
  carried?: boolean;
}

export interface TrialRecord {
  id: number;
  point: TrialPoint;
  /** ok: reached the last rung; stopped: halving cut it; failed: its last evaluation failed. */
  status: 'ok' | 'stopped' | 'failed';
  rungs: RungResult[];
}

export interface SearchResult {
  trials: TrialRecord[];
  /** Id of the best trial on the last rung; undefined when every trial failed. */
  best?: number;
}

/** Evaluates a batch (in parallel if it can); outcomes in request order. */
export type Evaluate = (requests: readonly TrialRequest[]) => Promise<TrialOutcome[]>;

export interface SearchObjective {
  lowerIsBetter: boolean;
  /** Whether a candidate's trainer has a budget halving can cut; without one it runs once. */
  hasBudget(candidate: number): boolean;
}

function lossOf(outcome: TrialOutcome, lowerIsBetter: boolean): number {
  const value = outcome.value ?? Number.NaN;
  if (outcome.status !== 'ok' || !Number.isFinite(value)) return Number.POSITIVE_INFINITY;
  return lowerIsBetter ? value : -value;
}

/** Best first; ties go to the earlier trial. */
function byLoss(records: readonly TrialRecord[], lowerIsBetter: boolean): TrialRecord[] {
  const last = (r: TrialRecord) => r.rungs[r.rungs.length - 1] as RungResult;
  return [...records].sort(
    (a, b) => lossOf(last(a), lowerIsBetter) - lossOf(last(b), lowerIsBetter) || a.id - b.id,
  );
}

/** A value that is not a finite number fails the trial rather than ranking it. */
function checked(outcome: TrialOutcome): TrialOutcome {
  if (outcome.status !== 'ok' || Number.isFinite(outcome.value)) return outcome;
  return { ...outcome, status: 'failed', error: `the validation metric is ${outcome.value}` };
}

/**
 * The trial list of a grid or random search: fixed before any trial runs, so
 * it can fan out (train plan) and its results do not depend on parallelism.
 */
export function fixedTrialPoints(space: SearchSpace, settings: SearchSettings): TrialPoint[] {
  if (settings.strategy === 'grid') return gridPoints(space, settings.gridPoints);
  return randomPoints(space, settings.trials, new RandomSource(settings.seed));
}

/**
 * Runs a search: proposes points (grid, random or TPE), evaluates them on the
 * first rung, then, with halving, promotes the best 1/eta rung by rung. Every
 * proposal depends only on earlier batches, and a batch's size only on the
 * settings, so the same settings give the same trials however they are run.
 */
export async function runSearch(
  space: SearchSpace,
  settings: SearchSettings,
  objective: SearchObjective,
  evaluate: Evaluate,
): Promise<SearchResult> {
  const fractions = rungFractions(settings.halving);
  const first = fractions[0] ?? 1;
  const records: TrialRecord[] = [];
  const run = async (requests: TrialRequest[]) => {
    const outcomes = await evaluate(requests);
    requests.forEach((request, i) => {
      const outcome = checked(outcomes[i] ?? { status: 'failed', error: 'no result', durationMs: 0 });
      const result: RungResult = { ...outcome, rung: request.rung, fraction: request.fraction };
      const record = records[request.id];
      if (record) record.rungs.push(result);
      else records[request.id] = { id: request.id, point: request.point, status: 'ok', rungs: [result] };
    });
  };
  const firstRung = (points: readonly TrialPoint[]) =>
    points.map((point, i) => ({ id: records.length + i, point, rung: 0, fraction: first }));

  if (settings.strategy === 'tpe') {
    const random = new RandomSource(settings.seed);
    await run(firstRung(randomPoints(space, Math.min(settings.startup, settings.trials), random)));
    while (records.length < settings.trials) {
      const observations: Observation[] = records
        .filter((r) => r.rungs[0]?.status === 'ok')
        .map((r) => ({ point: r.point, loss: lossOf(r.rungs[0] as RungResult, objective.lowerIsBetter) }));
      const size = Math.min(settings.batch, settings.trials - records.length);
      const batch = Array.from({ length: size }, () => proposeTpe(space, observations, random, settings));
      await run(firstRung(batch));
    }
  } else {
    await run(firstRung(fixedTrialPoints(space, settings)));
  }

  for (let rung = 1; rung < fractions.length; rung++) {
    const finished = records.filter((r) => r.rungs.length === rung && r.rungs[rung - 1]?.status === 'ok');
    const promoted = byLoss(finished, objective.lowerIsBetter).slice(
      0,
      promotedCount(finished.length, settings.halving?.eta ?? 1),
    );
    const fraction = fractions[rung] ?? 1;
    const rerun: TrialRequest[] = [];
    for (const record of promoted) {
      if (objective.hasBudget(record.point.candidate)) {
        rerun.push({ id: record.id, point: record.point, rung, fraction });
      } else {
        const previous = record.rungs[rung - 1] as RungResult;
        record.rungs.push({ ...previous, rung, fraction, durationMs: 0, carried: true });
      }
    }
    await run(rerun);
  }

  const top = fractions.length - 1;
  for (const record of records) {
    const last = record.rungs[record.rungs.length - 1];
    record.status = last?.status === 'failed' ? 'failed' : last?.rung === top ? 'ok' : 'stopped';
  }
  const [best] = byLoss(
    records.filter((r) => r.status === 'ok'),
    objective.lowerIsBetter,
  );
  return best ? { trials: records, best: best.id } : { trials: records };
}
