import { type DataProfile, UserError } from '@modelgate/core';
import { estimateOutliers } from '../anomaly/outlier-counts.js';
import { outlierRules } from '../anomaly/outlier-rules.js';
import { chunkProfileFiles, type ProfileFile } from '../chunks/profile-dir.js';
import { resolveDriftOptions } from '../drift/options.js';
import type { MonitorReport, Note } from '../report/types.js';
import { assembleReport, featureOptions, windowContext } from './assemble.js';
import { type MonitorOptions, resolveMonitorOptions } from './options.js';

/**
 * Monitors profiles instead of rows (what a server writes each hour): one
 * chunk per file, or the files of each calendar period merged. Outliers come
 * from the sketches, so per-row rates are estimates.
 */
export async function monitorProfiles(
  reference: DataProfile,
  files: readonly ProfileFile[],
  options: MonitorOptions = {},
): Promise<MonitorReport> {
  const base = resolveMonitorOptions(options);
  const settings = { ...base, chunk: base.chunk ?? { by: 'file' as const } };
  const { prediction } = settings;
  if (prediction !== undefined && !files.some((f) => prediction in f.profile.columns)) {
    throw new UserError(`--prediction ${prediction}: no profile in the directory has this column.`);
  }
  const { chunks, profiles, excluded } = chunkProfileFiles(files, settings.chunk, {
    time: settings.time,
    minRows: settings.minChunkRows,
  });
  const features = resolveDriftOptions(
    featureOptions(reference, settings),
    Object.keys(reference.columns),
  ).features;
  const { rules } = outlierRules(reference, features, settings.outlierThreshold);
  const notes: Note[] = [
    ...(options.notes ?? []),
    ...excluded.map(
      (file): Note => ({
        level: 'warning',
        message: `${file}: no '${settings.time}' times to place it in a chunk; left out.`,
      }),
    ),
  ];
  return assembleReport(
    reference,
    chunks.map((chunk, i) => {
      const profile = profiles[i] as DataProfile;
      return { chunk, profile, outliers: rules.length > 0 ? estimateOutliers(profile, rules) : null };
    }),
    {
      input: 'profiles',
      excluded: excluded.length,
      notes,
      rules,
      ...(await windowContext(options, `${files.length} profiles`, chunks)),
    },
    settings,
  );
}
