import { UserError } from '@modelgate/core';
import { pathspec, type RegistryRepo } from './git/repo.js';
import type { PlannedTag } from './git/write.js';
import { REGISTRY_FILES, registryPath } from './layout.js';
import { gtoVersion, isGtoName } from './names.js';

/**
 * GTO (iterative/gto) reads a registry from annotated tags: `<name>@v1.0.0`
 * registers a version, `<name>#<stage>#N` assigns a stage, `<name>@v1.0.0!#N`
 * deregisters; N counts the model's numbered tags. The messages are GTO's own.
 * Our version vN is GTO's vN.0.0.
 */
function checkGtoNames(name: string, stage?: string): void {
  for (const [what, value] of [
    ['model name', name],
    ['stage name', stage],
  ] as const) {
    if (value !== undefined && !isGtoName(value)) {
      throw new UserError(
        `gto_tags is on in registry.yaml, and the ${what} '${value}' is not a valid GTO name (lowercase letters, digits and '-'). Rename it or turn gto_tags off.`,
      );
    }
  }
}

/** The highest N of the model's `…#N` tags; the next numbered tag is N + 1. */
async function lastCounter(repo: RegistryRepo, name: string): Promise<number> {
  const out = await repo.git.raw(['tag', '--list', `${name}@*`, `${name}#*`]);
  let max = 0;
  for (const tag of out.split('\n')) {
    const counter = /#(\d+)$/.exec(tag.trim())?.[1];
    if (counter) max = Math.max(max, Number(counter));
  }
  return max;
}

/** The commit that registered `version`: its GTO tag's, else the commit that added its metadata. */
export async function registeringCommit(repo: RegistryRepo, name: string, version: string): Promise<string> {
  const tagged = await repo.git
    .raw(['rev-parse', '--verify', '--quiet', `refs/tags/${name}@${gtoVersion(version)}^{commit}`])
    .then(
      (out) => out.trim(),
      () => '',
    );
  if (tagged) return tagged;
  const added = await repo.git.raw([
    'log',
    '-1',
    '--diff-filter=A',
    '--format=%H',
    '--',
    pathspec(repo, registryPath.versionFile(name, version, REGISTRY_FILES.metadata)),
  ]);
  if (!added.trim())
    throw new UserError(`${name} ${version} is not committed yet: commit the registry first.`);
  return added.trim();
}

export function registerTag(name: string, version: string): PlannedTag {
  checkGtoNames(name);
  const v = gtoVersion(version);
  return { name: `${name}@${v}`, message: `Registering artifact ${name} version ${v}` };
}

/** GTO finds the version of an assignment by its commit: the tag points at the registering commit. */
export async function assignTag(
  repo: RegistryRepo,
  name: string,
  stage: string,
  version: string,
  registeredAt: string,
): Promise<PlannedTag> {
  checkGtoNames(name, stage);
  const counter = (await lastCounter(repo, name)) + 1;
  return {
    name: `${name}#${stage}#${counter}`,
    message: `Assigning stage ${stage} to artifact ${name} version ${gtoVersion(version)}`,
    target: registeredAt,
  };
}

export async function deregisterTag(
  repo: RegistryRepo,
  name: string,
  version: string,
  registeredAt: string,
): Promise<PlannedTag> {
  checkGtoNames(name);
  const counter = (await lastCounter(repo, name)) + 1;
  const v = gtoVersion(version);
  return {
    name: `${name}@${v}!#${counter}`,
    message: `Deregistering artifact ${name} version ${v}`,
    target: registeredAt,
  };
}
