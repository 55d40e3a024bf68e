import { pathspec, type RegistryRepo } from './git/repo.js';
import { REGISTRY_FILES, registryPath } from './layout.js';
import { STAGE_LINE } from './model-files.js';

/** Who changed the registry, when, in which commit. */
export interface CommitInfo {
  commit: string;
  author: string;
  email: string;
  /** ISO 8601, the author date. */
  date: string;
  subject: string;
}

export type HistoryEvent = CommitInfo &
  (
    | { event: 'register'; version: string }
    | { event: 'stage'; stage: string; from: string | null; to: string | null }
    | { event: 'archive' | 'unarchive'; version: string }
  );

const RECORD = '\x1e';
const FIELD = '\x1f';
const FORMAT = `--format=${RECORD}%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s`;

function commits(out: string): { info: CommitInfo; body: string[] }[] {
  return out
    .split(RECORD)
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const [header = '', ...body] = chunk.split('\n');
      const [commit = '', author = '', email = '', date = '', subject = ''] = header.split(FIELD);
      return { info: { commit, author, email, date, subject }, body };
    });
}

/** `+`/`-` lines of a diff, without the file headers. */
function changedLines(body: readonly string[]): { removed: string[]; added: string[] } {
  let file = '';
  const removed: string[] = [];
  const added: string[] = [];
  for (const line of body) {
    if (line.startsWith('+++ ')) file = line;
    else if (line.startsWith('--- ')) continue;
    else if (line.startsWith('-')) removed.push(`${file}\n${line.slice(1)}`);
    else if (line.startsWith('+')) added.push(`${file}\n${line.slice(1)}`);
  }
  return { removed, added };
}

function stageEvents(info: CommitInfo, body: readonly string[]): HistoryEvent[] {
  const before: Record<string, string> = {};
  const after: Record<string, string> = {};
  const archived = new Map<string, boolean>();
  const { removed, added } = changedLines(body);
  for (const [lines, into, archivedFlag] of [
    [removed, before, false],
    [added, after, true],
  ] as const) {
    for (const entry of lines) {
      const [file = '', line = ''] = entry.split('\n');
      const stage = STAGE_LINE.exec(line);
      if (file.endsWith(`/${REGISTRY_FILES.stages}`) && stage?.[1] && stage[2]) into[stage[1]] = stage[2];
      const version = /^(v[1-9][0-9]*):$/.exec(line)?.[1];
      // A removed and re-added line is a rewrite, not a change.
      if (file.endsWith(`/${REGISTRY_FILES.deprecated}`) && version) {
        if (archived.get(version) === !archivedFlag) archived.delete(version);
        else archived.set(version, archivedFlag);
      }
    }
  }
  const events: HistoryEvent[] = [];
  for (const stage of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[stage] ?? null;
    const to = after[stage] ?? null;
    if (from !== to) events.push({ ...info, event: 'stage', stage, from, to });
  }
  for (const [version, isArchived] of archived) {
    events.push({ ...info, event: isArchived ? 'archive' : 'unarchive', version });
  }
  return events;
}

/** The log of the stages and deprecated files at these paths (globs allowed), with their diffs. */
function stageLog(repo: RegistryRepo, stages: string, deprecated: string): Promise<string> {
  return repo.git.raw([
    'log',
    '-p',
    '-U0',
    '--no-color',
    '--no-ext-diff',
    '--no-renames',
    FORMAT,
    '--',
    pathspec(repo, stages),
    pathspec(repo, deprecated),
  ]);
}

/** The log of the commits that added a metadata file matching `metadata`, with the files each added. */
function registerLog(repo: RegistryRepo, metadata: string): Promise<string> {
  return repo.git.raw([
    'log',
    '--diff-filter=A',
    '--name-only',
    '--no-renames',
    FORMAT,
    '--',
    pathspec(repo, metadata),
  ]);
}

/** Stage changes and archives of a model, newest first, read from the diffs of its two YAML files. */
export async function stageHistory(repo: RegistryRepo, name: string): Promise<HistoryEvent[]> {
  const out = await stageLog(repo, registryPath.stages(name), registryPath.deprecated(name));
  return commits(out).flatMap(({ info, body }) => stageEvents(info, body));
}

async function registrations(repo: RegistryRepo, name: string): Promise<HistoryEvent[]> {
  const out = await registerLog(repo, registryPath.versionFile(name, '*', REGISTRY_FILES.metadata));
  return commits(out).flatMap(({ info, body }) =>
    body.flatMap((file): HistoryEvent[] => {
      const version = /\/versions\/(v[1-9][0-9]*)\/metadata\.json$/.exec(file.trim())?.[1];
      return version ? [{ ...info, event: 'register', version }] : [];
    }),
  );
}

async function commitOrder(repo: RegistryRepo, path: string): Promise<Map<string, number>> {
  const order = new Map<string, number>();
  const byCommit = await repo.git.raw(['log', '--format=%H', '--', path]);
  byCommit.split('\n').forEach((sha, i) => {
    order.set(sha.trim(), i);
  });
  return order;
}

/** Newest first; within a commit, registration comes before the stage change it enabled. */
function inCommitOrder(events: HistoryEvent[], order: Map<string, number>): HistoryEvent[] {
  return events.sort(
    (a, b) =>
      (order.get(a.commit) ?? 0) - (order.get(b.commit) ?? 0) ||
      (a.event === 'register' ? 1 : 0) - (b.event === 'register' ? 1 : 0),
  );
}

/** Everything that happened to a model, newest first. */
/** A repository that has no commit yet has no history (git log fails on it rather than print none). */
async function hasCommits(repo: RegistryRepo): Promise<boolean> {
  // Quiet, git exits 1 and prints nothing, which simple-git does not count as a failure.
  return repo.git.raw(['rev-parse', '--verify', '--quiet', 'HEAD']).then(
    (sha) => sha.trim() !== '',
    () => false,
  );
}

export async function modelHistory(repo: RegistryRepo, name: string): Promise<HistoryEvent[]> {
  if (!(await hasCommits(repo))) return [];
  const [stages, registered, order] = await Promise.all([
    stageHistory(repo, name),
    registrations(repo, name),
    commitOrder(repo, pathspec(repo, registryPath.model(name))),
  ]);
  return inCommitOrder([...registered, ...stages], order);
}

/** A path from the top level, relative to the registry directory; '' when it is outside it. */
function insideRegistry(repo: RegistryRepo, path: string): string {
  if (!repo.prefix) return path;
  return path.startsWith(`${repo.prefix}/`) ? path.slice(repo.prefix.length + 1) : '';
}

/** The model a path from the top level belongs to, when it is `<prefix>/<model>/<rest>`. */
function modelOfPath(repo: RegistryRepo, path: string): string | undefined {
  const inside = insideRegistry(repo, path);
  const slash = inside.indexOf('/');
  return slash > 0 ? inside.slice(0, slash) : undefined;
}

/** A commit's `-p` output split by the model whose file each diff is about. */
function diffsByModel(repo: RegistryRepo, body: readonly string[]): Map<string, string[]> {
  const byModel = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of body) {
    const header = /^diff --git a\/(.*) b\//.exec(line);
    if (header?.[1] !== undefined) {
      const model = modelOfPath(repo, header[1]);
      current = model === undefined ? undefined : (byModel.get(model) ?? []);
      if (model !== undefined && current) byModel.set(model, current);
      continue;
    }
    current?.push(line);
  }
  return byModel;
}

/**
 * The history of every model at once, newest first: three git commands for the whole registry,
 * where modelHistory per model would walk the log three times for each.
 */
export async function registryHistory(repo: RegistryRepo): Promise<Map<string, HistoryEvent[]>> {
  if (!(await hasCommits(repo))) return new Map();
  const all = pathspec(repo, '.');
  const [stages, registered, order] = await Promise.all([
    stageLog(repo, `*/${REGISTRY_FILES.stages}`, `*/${REGISTRY_FILES.deprecated}`),
    registerLog(repo, registryPath.versionFile('*', '*', REGISTRY_FILES.metadata)),
    commitOrder(repo, all),
  ]);
  const history = new Map<string, HistoryEvent[]>();
  const add = (model: string, events: HistoryEvent[]) => {
    const list = history.get(model);
    if (list) list.push(...events);
    else if (events.length > 0) history.set(model, events);
  };
  for (const { info, body } of commits(stages)) {
    for (const [model, lines] of diffsByModel(repo, body)) add(model, stageEvents(info, lines));
  }
  for (const { info, body } of commits(registered)) {
    for (const file of body) {
      const path = file.trim();
      const model = modelOfPath(repo, path);
      const version = /^[^/]+\/versions\/(v[1-9][0-9]*)\/metadata\.json$/.exec(
        insideRegistry(repo, path),
      )?.[1];
      if (model && version) add(model, [{ ...info, event: 'register', version }]);
    }
  }
  for (const events of history.values()) inCommitOrder(events, order);
  return history;
}
