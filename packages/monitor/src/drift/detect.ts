import type { ColumnData, ColumnProfile, DataProfile } from '@modelgate/core';
import { compareColumn } from './column.js';
import { decideSection } from './decide.js';
import type { ColumnDistribution } from './distribution.js';
import { distributionFromProfile, readingFor } from './from-profile.js';
import { distributionFromSamples } from './from-samples.js';
import { type DriftOptions, type DriftSettings, resolveDriftOptions } from './options.js';
import type { ColumnDrift, DriftReport } from './types.js';

interface Sides {
  source: ColumnDrift['source'];
  referenceRows: number;
  currentRows: number;
  reference(name: string): ColumnDistribution;
  current(name: string): ColumnDistribution | undefined;
}

function report(settings: DriftSettings, sides: Sides): DriftReport {
  const compare = (name: string) =>
    compareColumn(name, sides.reference(name), sides.current(name), settings, sides.source);
  const features = decideSection(settings.features.map(compare), settings.correction);
  const predictions =
    settings.predictions.length > 0
      ? decideSection(settings.predictions.map(compare), settings.correction)
      : null;
  return {
    ...features,
    datasetDrift: features.evaluated > 0 && features.share >= settings.shareThreshold,
    predictions: predictions ? { ...predictions, drift: predictions.drifted > 0 } : null,
    tooSmall: sides.currentRows < settings.minRows,
    reference: { rows: sides.referenceRows },
    current: { rows: sides.currentRows },
    settings: {
      shareThreshold: settings.shareThreshold,
      correction: settings.correction,
      minRows: settings.minRows,
      bins: settings.bins,
    },
  };
}

/**
 * Drift between a reference profile (the training data's) and a current one
 * (one window of production data, or many hourly profiles merged with
 * mergeProfiles): numbers from their exact values where both profiles kept
 * them, else from the quantile sketches; categories from their counts. No raw
 * production data is needed. See DRIFT.md for the error
 * against the exact statistics.
 */
export function detectDrift(
  reference: DataProfile,
  current: DataProfile,
  options: DriftOptions = {},
): DriftReport {
  const settings = resolveDriftOptions(options, Object.keys(reference.columns));
  return report(settings, {
    source: 'profile',
    referenceRows: reference.rows,
    currentRows: current.rows,
    reference: (name) => {
      const column = reference.columns[name] as ColumnProfile;
      return distributionFromProfile(column, reference.rows, readingFor(column, current.columns[name]));
    },
    current: (name) => {
      const column = current.columns[name];
      const reading = readingFor(reference.columns[name] as ColumnProfile, column);
      return column ? distributionFromProfile(column, current.rows, reading) : undefined;
    },
  });
}

function rowsOf(columns: readonly ColumnData[]): number {
  const first = columns[0];
  if (!first) return 0;
  return 'codes' in first ? first.codes.length : first.values.length;
}

/** The same report from every value of both sides (readColumns() output): the exact statistics. */
export function driftFromSamples(
  reference: readonly ColumnData[],
  current: readonly ColumnData[],
  options: DriftOptions = {},
): DriftReport {
  const settings = resolveDriftOptions(
    options,
    reference.map((c) => c.name),
  );
  const byName = (columns: readonly ColumnData[]) => new Map(columns.map((c) => [c.name, c]));
  const [ref, cur] = [byName(reference), byName(current)];
  return report(settings, {
    source: 'samples',
    referenceRows: rowsOf(reference),
    currentRows: rowsOf(current),
    reference: (name) => distributionFromSamples(ref.get(name) as ColumnData),
    current: (name) => {
      const column = cur.get(name);
      return column ? distributionFromSamples(column) : undefined;
    },
  });
}
