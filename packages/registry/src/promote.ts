import { UserError } from '@modelgate/core';
import type { PushTarget } from './git/push.js';
import { openRepo, type RegistryRepo } from './git/repo.js';
import {
  type PlannedTag,
  type Planner,
  type WriteOptions,
  type WritePlan,
  writeRegistry,
} from './git/write.js';
import { assignTag, deregisterTag, registeringCommit } from './gto.js';
import { stageHistory } from './history.js';
import { registryPath } from './layout.js';
import {
  type DeprecatedMap,
  readDeprecated,
  readStages,
  renderDeprecated,
  renderStages,
  type StageMap,
} from './model-files.js';
import { formatVersion, versionNumber } from './names.js';
import { checkModelExists, versionNames } from './query.js';
import { checkStage, loadSettings, type RegistrySettings } from './settings.js';

export interface StageChange {
  name: string;
  stage: string;
  version: string;
  /** The version the stage served before; null if none. */
  previous: string | null;
  /** False when the stage already served this version. */
  changed: boolean;
  commit: string | null;
  tags: string[];
  pushed: PushTarget | null;
}

interface ModelState {
  settings: RegistrySettings;
  versions: string[];
  stages: StageMap;
  deprecated: DeprecatedMap;
}

async function readModel(registryDir: string, name: string): Promise<ModelState> {
  await checkModelExists(registryDir, name);
  const [{ settings }, versions, stages, deprecated] = await Promise.all([
    loadSettings(registryDir),
    versionNames(registryDir, name),
    readStages(registryDir, name),
    readDeprecated(registryDir, name),
  ]);
  return { settings, versions, stages, deprecated };
}

function checkVersion(state: ModelState, name: string, version: string): string {
  const v = formatVersion(versionNumber(version));
  if (!state.versions.includes(v)) throw new UserError(`${name} has no version ${v}.`);
  return v;
}

/** Has `version` been in `stage`, now or at any time in the history of stages.yaml? */
async function hasPassed(
  repo: RegistryRepo,
  state: ModelState,
  name: string,
  stage: string,
  version: string,
) {
  if (
    Object.entries(state.stages).some(
      ([s, v]) => v === version && state.settings.stages.indexOf(s) >= state.settings.stages.indexOf(stage),
    )
  ) {
    return true;
  }
  const events = await stageHistory(repo, name);
  return events.some((e) => e.event === 'stage' && e.stage === stage && e.to === version);
}

async function stageTags(
  repo: RegistryRepo,
  gto: boolean,
  name: string,
  stage: string,
  version: string,
): Promise<PlannedTag[]> {
  return gto
    ? [await assignTag(repo, name, stage, version, await registeringCommit(repo, name, version))]
    : [];
}

function stagePlan(
  state: ModelState,
  name: string,
  stage: string,
  version: string,
  message: string,
  tags: PlannedTag[],
): WritePlan<StageChangeResult> {
  const previous = state.stages[stage] ?? null;
  return {
    message,
    files: [
      {
        path: registryPath.stages(name),
        content: renderStages({ ...state.stages, [stage]: version }, state.settings.stages),
      },
    ],
    tags,
    result: { name, stage, version, previous, changed: true },
  };
}

type StageChangeResult = Omit<StageChange, 'commit' | 'tags' | 'pushed'>;

async function run(
  repo: RegistryRepo,
  planner: Planner<StageChangeResult>,
  options: WriteOptions,
): Promise<StageChange> {
  const outcome = await writeRegistry(repo, planner, options);
  return { ...outcome.result, commit: outcome.commit, tags: outcome.tags, pushed: outcome.pushed };
}

interface StageChangeOptions extends WriteOptions {
  registryDir: string;
  name: string;
  stage: string;
  version?: string;
  gtoTags?: boolean;
}

/** `version` default: the version in the stage this one takes from, else the latest version. */
export type PromoteOptions = StageChangeOptions;

/**
 * Moves a stage to a version, in the stage order: a stage takes only versions
 * that passed the stage its rule names (production from staging by default).
 * Archived versions are never promoted.
 */
export async function promote(options: PromoteOptions): Promise<StageChange> {
  const repo = await openRepo(options.registryDir);
  const { name } = options;
  return run(
    repo,
    async () => {
      const state = await readModel(repo.registryDir, name);
      const stage = checkStage(state.settings, options.stage);
      const required = state.settings.requires[stage] ?? null;
      const version = options.version
        ? checkVersion(state, name, options.version)
        : required
          ? state.stages[required]
          : state.versions.at(-1);
      if (!version) {
        throw new UserError(
          required
            ? `${name} has no version in ${required} to promote to ${stage}. Pass --version, or promote to ${required} first.`
            : `${name} has no versions to promote.`,
        );
      }
      const archived = state.deprecated[version];
      if (archived) {
        throw new UserError(
          `${name} ${version} is archived${archived.reason ? ` (${archived.reason})` : ''} and cannot be promoted.`,
        );
      }
      const previous = state.stages[stage] ?? null;
      if (previous === version) return { unchanged: { name, stage, version, previous, changed: false } };
      if (required && !(await hasPassed(repo, state, name, required, version))) {
        throw new UserError(
          `${name} ${version} cannot go to ${stage}: ${stage} takes versions that passed ${required}, and ${version} has not been in ${required}. Promote it to ${required} first (rules in registry.yaml).`,
        );
      }
      return stagePlan(
        state,
        name,
        stage,
        version,
        `registry: promote ${name} ${version} to ${stage}${previous ? ` (was ${previous})` : ''}`,
        await stageTags(repo, options.gtoTags ?? state.settings.gtoTags, name, stage, version),
      );
    },
    options,
  );
}

/** `version` default: the version the stage served before the current one. */
export type RollbackOptions = StageChangeOptions;

/** Puts a stage back on a version it served before (skipping archived ones), as a new commit. */
export async function rollback(options: RollbackOptions): Promise<StageChange> {
  const repo = await openRepo(options.registryDir);
  const { name } = options;
  return run(
    repo,
    async () => {
      const state = await readModel(repo.registryDir, name);
      const stage = checkStage(state.settings, options.stage);
      const current = state.stages[stage] ?? null;
      const served = (await stageHistory(repo, name))
        .filter((e) => e.event === 'stage' && e.stage === stage && e.to !== null)
        .map((e) => (e.event === 'stage' ? e.to : null))
        .filter((v): v is string => v !== null);
      let version: string | undefined;
      if (options.version) {
        version = checkVersion(state, name, options.version);
        if (!served.includes(version)) {
          throw new UserError(
            `${name} ${version} has never been in ${stage}; rollback only returns to earlier versions.`,
          );
        }
      } else {
        version = served.find((v) => v !== current && !state.deprecated[v]);
        if (!version) throw new UserError(`${name} has no earlier version in ${stage} to roll back to.`);
      }
      if (state.deprecated[version])
        throw new UserError(`${name} ${version} is archived and cannot serve ${stage}.`);
      if (version === current)
        return { unchanged: { name, stage, version, previous: current, changed: false } };
      return stagePlan(
        state,
        name,
        stage,
        version,
        `registry: roll back ${name} ${stage} to ${version}${current ? ` (was ${current})` : ''}`,
        await stageTags(repo, options.gtoTags ?? state.settings.gtoTags, name, stage, version),
      );
    },
    options,
  );
}

export interface ArchiveOptions extends WriteOptions {
  registryDir: string;
  name: string;
  version: string;
  reason?: string;
  gtoTags?: boolean;
  now?: () => Date;
}

export interface ArchiveResult {
  name: string;
  version: string;
  changed: boolean;
  commit: string | null;
  tags: string[];
  pushed: PushTarget | null;
}

/** Marks a version deprecated in deprecated.yaml; one that still serves a stage cannot be archived. */
export async function archive(options: ArchiveOptions): Promise<ArchiveResult> {
  const repo = await openRepo(options.registryDir);
  const { name } = options;
  const now = options.now ?? (() => new Date());
  const outcome = await writeRegistry(
    repo,
    async () => {
      const state = await readModel(repo.registryDir, name);
      const version = checkVersion(state, name, options.version);
      if (state.deprecated[version]) return { unchanged: { name, version, changed: false } };
      const serving = Object.entries(state.stages)
        .filter(([, v]) => v === version)
        .map(([s]) => s);
      if (serving.length > 0) {
        throw new UserError(
          `${name} ${version} serves ${serving.join(', ')}; promote another version there before archiving it.`,
        );
      }
      const deprecated: DeprecatedMap = {
        ...state.deprecated,
        [version]: { reason: options.reason ?? null, archived_at: now().toISOString() },
      };
      const gto = options.gtoTags ?? state.settings.gtoTags;
      return {
        message: `registry: archive ${name} ${version}${options.reason ? `\n\n${options.reason}` : ''}`,
        files: [{ path: registryPath.deprecated(name), content: renderDeprecated(deprecated) }],
        tags: gto
          ? [await deregisterTag(repo, name, version, await registeringCommit(repo, name, version))]
          : [],
        result: { name, version, changed: true },
      };
    },
    options,
  );
  return { ...outcome.result, commit: outcome.commit, tags: outcome.tags, pushed: outcome.pushed };
}
