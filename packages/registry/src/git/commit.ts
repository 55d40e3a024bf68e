import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryRepo } from './repo.js';

interface TreeEntry {
  /** As in a raw tree object: '100644', '40000', ... */
  mode: string;
  /** Hex object id. */
  id: string;
}

const FILE_MODE = '100644';
const TREE_MODE = '40000';

/** Directories from the top down to each changed file: '' (the top), 'registry', 'registry/m', ... */
function directoriesOf(files: readonly string[]): string[] {
  const dirs = new Set<string>(['']);
  for (const file of files) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs];
}

/**
 * The entries of every directory in `dirs` at `base`, from one `git ls-tree`.
 * A directory that is itself listed shows as its contents, not as an entry
 * of its parent: it gets a new tree anyway.
 */
async function listDirectories(
  repo: RegistryRepo,
  base: string | null,
  dirs: readonly string[],
): Promise<Map<string, Map<string, TreeEntry>>> {
  const listed = new Map(dirs.map((d) => [d, new Map<string, TreeEntry>()]));
  if (!base) return listed;
  const specs = dirs.map((d) => (d ? `${d}/` : './'));
  const out = await repo.git.raw(['ls-tree', '-z', '--full-tree', base, '--', ...specs]);
  for (const record of out.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', , id = ''] = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    const slash = path.lastIndexOf('/');
    listed.get(slash < 0 ? '' : path.slice(0, slash))?.set(path.slice(slash + 1), {
      mode: mode.replace(/^0+/, ''),
      id,
    });
  }
  return listed;
}

/** Git orders tree entries by name, a directory as if its name ended in '/'. */
function sortKey(name: string, entry: TreeEntry): Buffer {
  return Buffer.from(entry.mode === TREE_MODE ? `${name}/` : name);
}

/** The bytes of a tree object and its id, as git computes them. */
function encodeTree(
  entries: Map<string, TreeEntry>,
  algorithm: 'sha1' | 'sha256',
): { body: Buffer; id: string } {
  const sorted = [...entries].sort(([a, ea], [b, eb]) => Buffer.compare(sortKey(a, ea), sortKey(b, eb)));
  const body = Buffer.concat(
    sorted.flatMap(([name, e]) => [Buffer.from(`${e.mode} ${name}\0`), Buffer.from(e.id, 'hex')]),
  );
  const id = createHash(algorithm)
    .update(Buffer.concat([Buffer.from(`tree ${body.length}\0`), body]))
    .digest('hex');
  return { body, id };
}

/** Writes tree objects with one git call; git's ids must be ours. */
async function writeTrees(repo: RegistryRepo, trees: readonly { body: Buffer; id: string }[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-trees-'));
  try {
    const files = await Promise.all(
      trees.map(async (tree, i) => {
        const file = join(dir, String(i));
        await writeFile(file, tree.body);
        return file;
      }),
    );
    const ids = (await repo.git.raw(['hash-object', '-w', '-t', 'tree', '--no-filters', '--', ...files]))
      .trim()
      .split('\n');
    trees.forEach((tree, i) => {
      if (ids[i] !== tree.id) throw new Error(`git wrote tree ${ids[i]}, expected ${tree.id}`);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
  const dirs = directoriesOf(files);
  const [hashed, listed] = await Promise.all([
    repo.git.raw(['hash-object', '-w', '--', ...files]),
    listDirectories(repo, base, dirs),
  ]);
  const blobIds = hashed.trim().split('\n');
  const algorithm = blobIds[0]?.length === 64 ? 'sha256' : 'sha1';
  files.forEach((file, i) => {
    const slash = file.lastIndexOf('/');
    listed.get(slash < 0 ? '' : file.slice(0, slash))?.set(file.slice(slash + 1), {
      mode: FILE_MODE,
      id: blobIds[i] ?? '',
    });
  });
  // Deepest first, so that each parent can name its children's new trees.
  const trees: { body: Buffer; id: string }[] = [];
  let root = '';
  const depth = (dir: string) => (dir === '' ? 0 : dir.split('/').length);
  for (const dir of [...dirs].sort((a, b) => depth(b) - depth(a))) {
    const tree = encodeTree(listed.get(dir) ?? new Map(), algorithm);
    trees.push(tree);
    if (dir === '') root = tree.id;
    else {
      const slash = dir.lastIndexOf('/');
      listed
        .get(slash < 0 ? '' : dir.slice(0, slash))
        ?.set(dir.slice(slash + 1), { mode: TREE_MODE, id: tree.id });
    }
  }
  await writeTrees(repo, trees);
  const commit = await repo.git.raw([
    ...repo.identity,
    'commit-tree',
    root,
    ...(base ? ['-p', base] : []),
    '-m',
    message,
  ]);
  return commit.trim();
}

/** Moves HEAD's branch from `from` to `to`, failing if someone else moved it meanwhile. */
export async function moveHead(
  repo: RegistryRepo,
  to: string | null,
  from: string | null,
  reason: string,
): Promise<void> {
  if (to === null) await repo.git.raw(['update-ref', '-d', 'HEAD', ...(from ? [from] : [])]);
  else await repo.git.raw(['update-ref', '-m', reason, 'HEAD', to, from ?? '0'.repeat(to.length)]);
}
