import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where GitHub looks for CODEOWNERS, in order; the first that exists is the one used. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeOwnersRule {
  pattern: string;
  owners: string[];
  regex: RegExp;
}

export interface Reviewers {
  /** Logins, without '@'. */
  users: string[];
  /** Team slugs (the part after 'org/'). */
  teams: string[];
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (glob.startsWith('**/', i)) {
      out += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('/**', i) && i + 3 === glob.length) {
      out += '(?:/.*)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/**
 * A CODEOWNERS pattern as a path regex, with gitignore's rules as GitHub
 * applies them: a leading or inner '/' anchors at the top, otherwise the
 * pattern matches at any depth; a directory owns everything beneath it, but
 * `dir/*` only the files directly in it.
 */
export function patternRegex(pattern: string): RegExp {
  let p = pattern;
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const directory = p.endsWith('/');
  if (directory) p = p.slice(0, -1);
  const shallow = p.endsWith('/*') && !p.endsWith('/**');
  const prefix = anchored || p.startsWith('**/') ? '^' : '^(?:.*/)?';
  const suffix = shallow ? '$' : directory ? '/.*$' : '(?:/.*)?$';
  return new RegExp(`${prefix}${globToRegex(p)}${suffix}`);
}

export function parseCodeOwners(text: string): CodeOwnersRule[] {
  const rules: CodeOwnersRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const [pattern, ...owners] = line.split(/\s+/);
    if (!pattern) continue;
    rules.push({ pattern, owners, regex: patternRegex(pattern) });
  }
  return rules;
}

/** The owners of `path`: those of the last rule that matches it (a rule without owners un-owns it). */
export function ownersOf(rules: readonly CodeOwnersRule[], path: string): string[] {
  let owners: string[] = [];
  for (const rule of rules) if (rule.regex.test(path)) owners = rule.owners;
  return owners;
}

/** Owners as review requests: '@user' and '@org/team'; e-mail owners cannot be requested. */
export function reviewersOf(owners: readonly string[]): Reviewers {
  const users: string[] = [];
  const teams: string[] = [];
  for (const owner of owners) {
    const match = /^@([A-Za-z0-9-]+)(?:\/([A-Za-z0-9_.-]+))?$/.exec(owner);
    if (!match?.[1]) continue;
    if (match[2]) teams.push(match[2]);
    else users.push(match[1]);
  }
  return { users: [...new Set(users)], teams: [...new Set(teams)] };
}

/** The CODEOWNERS file of a working tree, by GitHub's search order; null when there is none. */
export async function readCodeOwners(
  root: string,
): Promise<{ path: string; rules: CodeOwnersRule[] } | null> {
  for (const location of CODEOWNERS_LOCATIONS) {
    const text = await readFile(join(root, location), 'utf8').catch(() => null);
    if (text !== null) return { path: location, rules: parseCodeOwners(text) };
  }
  return null;
}
