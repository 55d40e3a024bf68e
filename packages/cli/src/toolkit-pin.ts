import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@modelgate/core';

/** Which toolkit the workflows `modelgate init` writes should run: recorded when this CLI was built. */
export interface ToolkitPin {
  /** owner/name, from package.json's `repository`; null when it names no GitHub repository. */
  repository: string | null;
  /** The full commit SHA the CLI was built from; null when built outside a git checkout of the toolkit. */
  commit: string | null;
}

/** Beside the compiled modules: dist/toolkit-pin.json. */
export const PIN_FILE = 'toolkit-pin.json';

export const FULL_SHA = /^[0-9a-f]{40}$/;
const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const GITHUB_URL = /^(?:git\+)?(?:https?:\/\/|ssh:\/\/git@|git@)github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?\/?$/;

/** This module's folder: src/ when run from source, dist/ when built; both sit in packages/cli/. */
const moduleDir = fileURLToPath(new URL('.', import.meta.url));
const packageDir = join(moduleDir, '..');
/** The toolkit's repository root when this package is in its checkout (packages/cli/). */
const checkoutRoot = join(packageDir, '..', '..');

/** `owner/name` from package.json's `repository` (a string or `{ url }`), as npm writes it. */
export function repositoryOf(field: unknown): string | null {
  const url = typeof field === 'string' ? field : (field as { url?: unknown } | null)?.url;
  if (typeof url !== 'string') return null;
  const name = url.startsWith('github:') ? url.slice('github:'.length) : (GITHUB_URL.exec(url)?.[1] ?? url);
  return REPOSITORY.test(name) ? name : null;
}

function git(dir: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/**
 * The commit of `root` when `root` is itself the top of a git working tree. An installed package
 * (node_modules/… inside a user's repository) is not: its answer would be the user's commit.
 */
export function checkoutCommit(root: string): string | null {
  const top = git(root, ['rev-parse', '--show-toplevel']);
  if (!top || realpathSync(top) !== realpathSync(root)) return null;
  const head = git(root, ['rev-parse', '--verify', 'HEAD^{commit}']);
  return head && FULL_SHA.test(head) ? head : null;
}

/** What to pin: the package's repository and the commit of the toolkit checkout at `root`. */
export function recordToolkitPin(
  root = checkoutRoot,
  packageJson = join(packageDir, 'package.json'),
): ToolkitPin {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { repository?: unknown };
  return { repository: repositoryOf(pkg.repository), commit: checkoutCommit(root) };
}

/** The build step: records the pin into `dir` (dist/) so the built and published CLI carry it. */
export async function writeToolkitPin(dir: string, pin: ToolkitPin = recordToolkitPin()): Promise<string> {
  const file = join(dir, PIN_FILE);
  await writeFileAtomic(file, `${JSON.stringify(pin, null, 2)}\n`);
  return file;
}

function parsePin(text: string, file: string): ToolkitPin {
  const pin = JSON.parse(text) as Partial<ToolkitPin>;
  const repository =
    typeof pin.repository === 'string' && REPOSITORY.test(pin.repository) ? pin.repository : null;
  const commit = typeof pin.commit === 'string' && FULL_SHA.test(pin.commit) ? pin.commit : null;
  if (pin.repository !== repository || pin.commit !== commit)
    throw new Error(`${file}: expected { repository: owner/name | null, commit: a full SHA | null }.`);
  return { repository, commit };
}

/**
 * The pin the build recorded beside this module; run from source (no build), the toolkit checkout
 * this module sits in is asked directly, which is what a build there would record.
 */
export function readToolkitPin(dir = moduleDir): ToolkitPin {
  const file = join(dir, PIN_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return recordToolkitPin();
  }
  return parsePin(text, file);
}
