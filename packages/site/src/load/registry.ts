import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DeprecatedMap,
  type Deprecation,
  type HistoryEvent,
  loadSettings,
  modelNames,
  openRepo,
  parseMetadata,
  REGISTRY_FILES,
  type RegistrySettings,
  readDeprecated,
  readStages,
  registryHistory,
  type StageMap,
  type VersionMetadata,
  versionDir,
} from '@modelgate/registry';
import type { Problems } from '../problems.js';
import { type EvaluationSummary, parseEvaluation } from './evaluation.js';

export interface LoadedVersion {
  name: string;
  version: string;
  metadata: VersionMetadata | null;
  evaluation: EvaluationSummary | null;
  card: string | null;
  stages: string[];
  archived: Deprecation | null;
  /** What the version's page cannot show, one line each. */
  missing: string[];
}

export interface LoadedModel {
  name: string;
  /** Empty when stages.yaml cannot be read; stagesError says why. */
  stages: StageMap;
  stagesError: string | null;
  deprecated: DeprecatedMap;
  /** Oldest first. */
  versions: LoadedVersion[];
}

export interface RegistryOverview {
  settings: RegistrySettings;
  names: string[];
}

const DEFAULT_STAGES: RegistrySettings = {
  stages: ['staging', 'production'],
  requires: { staging: null, production: 'staging' },
  lfsThresholdBytes: 50 * 1024 * 1024,
  gtoTags: false,
};

/** registry.yaml and the model directories. */
export async function loadOverview(registryDir: string, problems: Problems): Promise<RegistryOverview> {
  const settings = await loadSettings(registryDir).then(
    (loaded) => loaded.settings,
    (err: unknown) => {
      problems.caught('error', join(registryDir, REGISTRY_FILES.settings), err);
      return DEFAULT_STAGES;
    },
  );
  return { settings, names: await modelNames(registryDir) };
}

/** Why git could not be read, without openRepo's advice (the site is built anyway). */
function why(err: unknown): string {
  const message = (err as Error).message.split('\n')[0] ?? '';
  return /not inside a git repository/.test(message)
    ? 'not inside a git repository'
    : message.replace(/^--registry [^:]*: /, '');
}

/** The git history of every model (three git commands); null when the registry is not in a repository. */
export function loadHistory(
  registryDir: string,
  problems: Problems,
): Promise<Map<string, HistoryEvent[]> | null> {
  return openRepo(registryDir)
    .then(registryHistory)
    .catch((err: unknown) => {
      problems.add(
        'warning',
        registryDir,
        `no git history (${why(err)}): the timelines and "since" dates are left out`,
      );
      return null;
    });
}

/**
 * A file's text, or undefined when there is none. Synchronous: for the tens of thousands of small files of
 * a large registry, a promise per read costs more than the read itself.
 */
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot read: ${(err as Error).message}`);
  }
}

function read<T>(
  file: string,
  what: string,
  missing: string[],
  problems: Problems,
  parse: (text: string | undefined) => T,
): T | null {
  try {
    return parse(readText(file));
  } catch (err) {
    const line = problems.caught('error', file, err);
    missing.push(`${what}: ${line.slice(file.length + 2)}`);
    return null;
  }
}

function loadVersion(
  registryDir: string,
  name: string,
  version: string,
  stages: StageMap,
  deprecated: DeprecatedMap,
  problems: Problems,
): LoadedVersion {
  const dir = versionDir(registryDir, name, version);
  const missing: string[] = [];
  const metadataFile = join(dir, REGISTRY_FILES.metadata);
  const metadata = read(metadataFile, REGISTRY_FILES.metadata, missing, problems, (text) => {
    if (text === undefined) throw new Error(`${metadataFile}: missing: ${name} ${version} has no metadata`);
    return parseMetadata(text, metadataFile);
  });
  const evaluationFile = join(dir, REGISTRY_FILES.evaluation);
  const evaluation = read(evaluationFile, REGISTRY_FILES.evaluation, missing, problems, (text) =>
    text === undefined ? null : parseEvaluation(text, evaluationFile),
  );
  if (evaluation === null && !missing.some((m) => m.startsWith(REGISTRY_FILES.evaluation))) {
    problems.add('warning', evaluationFile, 'missing: no evaluation report, and no metrics for the charts');
    missing.push(`${REGISTRY_FILES.evaluation}: missing (no evaluation report, no metrics)`);
  }
  const cardFile = join(dir, REGISTRY_FILES.card);
  let card: string | undefined;
  try {
    card = readText(cardFile);
  } catch (err) {
    problems.caught('warning', cardFile, err);
  }
  if (card === undefined) missing.push(`${REGISTRY_FILES.card}: missing`);
  return {
    name,
    version,
    metadata,
    evaluation,
    card: card ?? null,
    stages: Object.entries(stages)
      .filter(([, v]) => v === version)
      .map(([s]) => s),
    archived: deprecated[version] ?? null,
    missing,
  };
}

/**
 * One model with every version (its versions directory as listed already, oldest first); each file that
 * cannot be read is a problem, never a failure.
 */
export async function loadModel(
  registryDir: string,
  name: string,
  versions: readonly string[],
  problems: Problems,
): Promise<LoadedModel> {
  let stagesError: string | null = null;
  const [stages, deprecated] = await Promise.all([
    readStages(registryDir, name).catch((err: unknown) => {
      stagesError = problems.caught('error', join(registryDir, name, REGISTRY_FILES.stages), err);
      return {} as StageMap;
    }),
    readDeprecated(registryDir, name).catch((err: unknown) => {
      problems.caught('error', join(registryDir, name, REGISTRY_FILES.deprecated), err);
      return {} as DeprecatedMap;
    }),
  ]);
  for (const [stage, version] of Object.entries(stages)) {
    if (!versions.includes(version)) {
      problems.add(
        'error',
        join(registryDir, name, REGISTRY_FILES.stages),
        `${stage}: ${version} is not a version of ${name}`,
      );
    }
  }
  return {
    name,
    stages,
    stagesError,
    deprecated,
    versions: versions.map((v) => loadVersion(registryDir, name, v, stages, deprecated, problems)),
  };
}
