import { UserError } from '../errors.js';
import { sketchBins, TIME_SKETCH_UNIT_MS, timeSketchFromMinutes } from './sketch.js';
import { type ColumnProfile, type DataProfile, PROFILE_VERSION, READABLE_PROFILE_VERSIONS } from './types.js';

/** A version-1 datetime sketch (log buckets of epoch ms) on a time grid, bucket by representative value. */
function regridDatetime(column: ColumnProfile): ColumnProfile {
  if (column.kind !== 'datetime' || column.stats.sketch.width !== undefined) return column;
  const minutes = sketchBins(column.stats.sketch).map((bin) => ({
    index: Math.floor(bin.value / TIME_SKETCH_UNIT_MS),
    count: bin.count,
  }));
  return { ...column, stats: { ...column.stats, sketch: timeSketchFromMinutes(minutes) } };
}

/**
 * A profile of any readable version in today's shape; `name` (a file) is what
 * the error points at. Version 1 keeps everything it held: it has no exact
 * values (`exactValues` 0, so drift on its numbers is bounded from the
 * sketches), and each datetime sketch is re-gridded from its buckets'
 * representative values, so its dates stay as coarse as they were (about a
 * day) but merge with and compare against new profiles.
 */
export function upgradeProfile(profile: DataProfile, name: string): DataProfile {
  const version = (profile as { version: unknown }).version;
  if (version === PROFILE_VERSION) return profile;
  if (typeof version !== 'number' || !READABLE_PROFILE_VERSIONS.includes(version)) {
    throw new UserError(
      `${name}: profile version ${String(version)} is not supported. Expected version ${READABLE_PROFILE_VERSIONS.join(' or ')}.`,
    );
  }
  const columns = Object.entries(profile.columns).map(([column, p]) => [column, regridDatetime(p)] as const);
  return { ...profile, version: PROFILE_VERSION, exactValues: 0, columns: Object.fromEntries(columns) };
}
