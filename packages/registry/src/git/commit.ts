import { createGit, type RegistryRepo } from './repo.js';

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
}

const FILE_MODE = '100644';
const TREE_MODE = '040000';

/** The entries of directory `dir` (root-relative, '' for the top) in the commit `base`. */
async function listTree(
  repo: RegistryRepo,
  base: string | null,
  dir: string,
): Promise<Map<string, TreeEntry>> {
  const entries = new Map<string, TreeEntry>();
  if (!base) return entries;
  const out = await repo.git.raw(['ls-tree', '-z', '--full-tree', base, ...(dir ? ['--', `${dir}/`] : [])]);
  for (const record of out.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', type = '', sha = ''] = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    entries.set(path.slice(path.lastIndexOf('/') + 1), { mode, type, sha });
  }
  return entries;
}

async function makeTree(repo: RegistryRepo, entries: Map<string, TreeEntry>): Promise<string> {
  const input = [...entries].map(([name, e]) => `${e.mode} ${e.type} ${e.sha}\t${name}\0`).join('');
  return (await createGit(repo.root, input).raw(['mktree', '-z'])).trim();
}

/** The tree of `dir` in `base` with `blobs` (root-relative path -> blob) put in; untouched subtrees are reused. */
async function buildTree(
  repo: RegistryRepo,
  base: string | null,
  dir: string,
  blobs: ReadonlyMap<string, string>,
): Promise<string> {
  const entries = await listTree(repo, base, dir);
  const prefix = dir ? `${dir}/` : '';
  const children = new Set<string>();
  for (const [path, sha] of blobs) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) entries.set(rest, { mode: FILE_MODE, type: 'blob', sha });
    else children.add(rest.slice(0, slash));
  }
  for (const child of children) {
    entries.set(child, {
      mode: TREE_MODE,
      type: 'tree',
      sha: await buildTree(repo, base, prefix + child, blobs),
    });
  }
  return makeTree(repo, entries);
}

/**
 * A commit of `files` (root-relative; already in the working tree) on top of
 * `base`, built with plumbing: only the directories on the way to the changed
 * files are read and written, so the cost does not grow with the registry,
 * and the user's index (what they staged) plays no part. Blobs go through
 * the clean filters (Git LFS) as `git add` would. Returns the new commit; the
 * branch does not move yet.
 */
export async function commitFiles(
  repo: RegistryRepo,
  base: string | null,
  message: string,
  files: readonly string[],
): Promise<string> {
  const shas = (await repo.git.raw(['hash-object', '-w', '--', ...files])).trim().split('\n');
  const blobs = new Map(files.map((file, i) => [file, shas[i] ?? '']));
  const tree = await buildTree(repo, base, '', blobs);
  const commit = await repo.git.raw([
    ...repo.identity,
    'commit-tree',
    tree,
    ...(base ? ['-p', base] : []),
    '-m',
    message,
  ]);
  return commit.trim();
}

const NO_COMMIT = '0'.repeat(40);

/** Moves HEAD's branch from `from` to `to`, failing if someone else moved it meanwhile. */
export async function moveHead(
  repo: RegistryRepo,
  to: string | null,
  from: string | null,
  reason: string,
): Promise<void> {
  if (to === null) await repo.git.raw(['update-ref', '-d', 'HEAD', from ?? '']);
  else await repo.git.raw(['update-ref', '-m', reason, 'HEAD', to, from ?? NO_COMMIT]);
}
