import { MODEL_NAME_EXPECTED, modelNameProblem, quote, UserError } from '@modelgate/core';

const MAX_STAGE_CHARS = 100;
/** GTO's artifact and stage names; tags for other names would be unreadable by GTO. */
const GTO_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const STAGE = /^[a-z][a-z0-9-]*$/;
const VERSION = /^v([1-9][0-9]{0,8})$/;
const SEMVER_VERSION = /^v([1-9][0-9]{0,8})\.0\.0$/;

/**
 * The one rule for a model name (core's modelNameProblem), as every command applies it: a name
 * becomes a directory and part of git refs (`<name>@v1.0.0`).
 */
export function checkModelName(name: string, what = 'model name'): string {
  const problem = modelNameProblem(name);
  if (problem) throw new UserError(`Invalid ${what} ${quote(name)}: ${problem}. ${MODEL_NAME_EXPECTED}`);
  return name;
}

export function checkStageName(stage: string): string {
  if (!STAGE.test(stage) || stage.length > MAX_STAGE_CHARS) {
    throw new UserError(
      `Invalid stage name ${quote(stage)}. Expected lowercase letters, digits or '-', starting with a letter (e.g. staging).`,
    );
  }
  return stage;
}

export function isGtoName(name: string): boolean {
  return GTO_NAME.test(name);
}

export function isVersion(text: string): boolean {
  return VERSION.test(text);
}

/** `v3` -> 3; GTO's `v3.0.0` is accepted too. */
export function versionNumber(version: string): number {
  const match = VERSION.exec(version) ?? SEMVER_VERSION.exec(version);
  if (!match?.[1]) {
    throw new UserError(`Invalid version ${quote(version)}. Expected v1, v2, ... (or GTO's v1.0.0).`);
  }
  return Number(match[1]);
}

export function formatVersion(n: number): string {
  return `v${n}`;
}

/** Our v3 is GTO's v3.0.0: the integer is the major version. */
export function gtoVersion(version: string): string {
  return `${formatVersion(versionNumber(version))}.0.0`;
}

export function compareVersions(a: string, b: string): number {
  return versionNumber(a) - versionNumber(b);
}

/** What a reference names: a version, a stage, or the latest version. */
export type ModelRef =
  | { name: string; kind: 'version'; version: string }
  | { name: string; kind: 'stage'; stage: string }
  | { name: string; kind: 'latest' };

/** `model`, `model@v3`, `model@latest`, `model#production` (GTO's shortcut syntax). */
export function parseModelRef(ref: string): ModelRef {
  const stageAt = ref.indexOf('#');
  if (stageAt >= 0) {
    return {
      name: checkModelName(ref.slice(0, stageAt)),
      kind: 'stage',
      stage: checkStageName(ref.slice(stageAt + 1)),
    };
  }
  const versionAt = ref.indexOf('@');
  if (versionAt < 0) return { name: checkModelName(ref), kind: 'latest' };
  const name = checkModelName(ref.slice(0, versionAt));
  const version = ref.slice(versionAt + 1);
  if (version === 'latest') return { name, kind: 'latest' };
  return { name, kind: 'version', version: formatVersion(versionNumber(version)) };
}

export function formatModelRef(ref: ModelRef): string {
  if (ref.kind === 'version') return `${ref.name}@${ref.version}`;
  if (ref.kind === 'stage') return `${ref.name}#${ref.stage}`;
  return ref.name;
}
