import { readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pathExists, UserError } from '@modelgate/core';
import type { RegistryRepo } from './git/repo.js';
import { REGISTRY_FILES } from './layout.js';
import { modelNames, versionNames } from './query.js';
import { parseSettings } from './settings.js';

/** Whether `dir` holds a modelgate registry.yaml (another tool's file of that name does not count). */
async function hasSettings(dir: string): Promise<boolean> {
  const file = join(dir, REGISTRY_FILES.settings);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  try {
    parseSettings(text, file);
    return true;
  } catch {
    return false;
  }
}

/** A registry written before registry.yaml existed: model directories with versions. */
async function holdsModels(dir: string): Promise<boolean> {
  for (const name of await modelNames(dir)) {
    if ((await versionNames(dir, name)).length > 0) return true;
  }
  return false;
}

/** Entries a fresh registry may already hold: none but dotfiles (.gitkeep, .gitattributes). */
async function isEmpty(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.every((e) => e.startsWith('.'));
}

/** The registry directory `dir` is inside, up to the top of the working tree. */
async function enclosingRegistry(repo: RegistryRepo): Promise<string | undefined> {
  for (let dir = repo.registryDir; dir !== repo.root && dir !== dirname(dir); ) {
    dir = dirname(dir);
    if (await hasSettings(dir)) return dir;
  }
  return undefined;
}

/** The repository's registries: the directories of its modelgate registry.yaml files, tracked or not. */
async function repositoryRegistries(repo: RegistryRepo): Promise<string[]> {
  const listed = await repo.git
    .raw([
      'ls-files',
      '-z',
      '--cached',
      '--others',
      '--exclude-standard',
      '--',
      `:(glob)**/${REGISTRY_FILES.settings}`,
    ])
    .catch(() => '');
  const dirs = [...new Set(listed.split('\0').filter(Boolean))].map((f) => dirname(join(repo.root, f)));
  const found: string[] = [];
  for (const dir of dirs) if (await hasSettings(dir)) found.push(dir);
  return found;
}

const howToStart = (dir: string) =>
  `to start a registry there, create ${join(dir, REGISTRY_FILES.settings)} first (an empty one takes the default stages)`;

/**
 * register writes into a registry (a directory with registry.yaml, or one already holding models),
 * or starts a repository's first one in an empty or new directory. A --registry that is inside a
 * registry, names a folder of other files, or is new where the repository already has a registry
 * is far more often a typo than a wish: refused, naming the registry meant.
 */
export async function checkRegisterTarget(repo: RegistryRepo, flag: string): Promise<void> {
  const dir = repo.registryDir;
  // An unreadable registry.yaml of its own is reported by whatever reads it next, naming the key.
  if ((await pathExists(join(dir, REGISTRY_FILES.settings))) || (await holdsModels(dir))) return;
  const here = await realpath(process.cwd()).catch(() => process.cwd());
  const shown = (path: string) => relative(here, path) || '.';
  const enclosing = await enclosingRegistry(repo);
  if (enclosing) {
    throw new UserError(
      `${flag}: is inside the registry ${shown(enclosing)} (it has ${REGISTRY_FILES.settings}). Pass --registry ${shown(enclosing)}.`,
    );
  }
  if (!(await isEmpty(dir))) {
    throw new UserError(
      `${flag}: is a folder of other files, not a registry (no ${REGISTRY_FILES.settings}, no models). Pass the registry's directory, or, ${howToStart(shown(dir))}.`,
    );
  }
  const others = await repositoryRegistries(repo);
  if (others.length > 0) {
    const names = others.map(shown).sort();
    const [first] = names;
    throw new UserError(
      `${flag}: no registry there, and this repository's registry is ${names.join(', ')}. Pass --registry ${first}, or, ${howToStart(shown(dir))}.`,
    );
  }
}
