import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, UserError } from '@modelgate/core';
import {
  openRepo,
  promote,
  REGISTRY_FILES,
  type RegistryRepo,
  registryPath,
  type StageChange,
} from '@modelgate/registry';
import { type CodeOwnersRule, readCodeOwners } from './codeowners.js';

export function promotionBranch(model: string, stage: string): string {
  return `modelgate/promote/${model}/${stage}`;
}

export interface PromotionBranchOptions {
  /** The registry directory in the local clone. */
  registryDir: string;
  model: string;
  stage: string;
  version?: string;
  /** The default branch the PR targets (default main). */
  base?: string;
  remote?: string;
}

export interface PromotionBranch {
  branch: string;
  base: string;
  /** The base branch's head on the remote, which the branch starts from. */
  baseSha: string;
  change: StageChange;
  /** The branch's head; null when the base branch already serves the version (nothing to propose). */
  head: string | null;
  /** pushed: the remote branch moved; unchanged: it held this change on this base already. */
  branchAction: 'pushed' | 'unchanged' | 'none';
  /** The stages.yaml path from the top of the repository. */
  stagesPath: string;
  card: string | null;
  evaluationJson: string | null;
  codeOwners: { path: string; rules: CodeOwnersRule[] } | null;
}

async function git(repo: RegistryRepo, args: string[], what: string): Promise<string> {
  try {
    return (await repo.git.raw(args)).trim();
  } catch (err) {
    throw new UserError(`${what}: git ${args[0]} failed: ${errorMessage(err).trim().split('\n').pop()}`);
  }
}

async function remoteHead(repo: RegistryRepo, remote: string, branch: string): Promise<string | null> {
  const out = await git(repo, ['ls-remote', remote, `refs/heads/${branch}`], `--remote ${remote}`);
  return out.split(/\s+/)[0] || null;
}

/** Is `existing` our change on top of `baseSha` already (same parent, same tree)? */
async function sameProposal(
  repo: RegistryRepo,
  remote: string,
  branch: string,
  existing: string,
  head: string,
  baseSha: string,
) {
  await git(repo, ['fetch', '--quiet', remote, `refs/heads/${branch}`], `--remote ${remote}`);
  const [parent, existingTree, headTree] = await Promise.all(
    [`${existing}^`, `${existing}^{tree}`, `${head}^{tree}`].map((rev) =>
      repo.git.raw(['rev-parse', '--verify', '--quiet', rev]).then(
        (out) => out.trim(),
        () => '',
      ),
    ),
  );
  return parent === baseSha && existingTree === headTree;
}

const readOptional = (path: string) => readFile(path, 'utf8').catch(() => null);

/**
 * The promotion as a branch on the remote: a temporary worktree at the base
 * branch's remote head, `promote` there (one commit moving stages.yaml), and
 * a push with --force-with-lease (the branch is ours; a concurrent writer's
 * update is not overwritten blindly). The local checkout is not touched.
 */
export async function preparePromotionBranch(options: PromotionBranchOptions): Promise<PromotionBranch> {
  const repo = await openRepo(options.registryDir);
  const remote = options.remote ?? 'origin';
  const base = options.base ?? 'main';
  const branch = promotionBranch(options.model, options.stage);
  await git(repo, ['fetch', '--quiet', remote, `refs/heads/${base}`], `--base ${base}`);
  const baseSha = await git(repo, ['rev-parse', '--verify', 'FETCH_HEAD^{commit}'], `--base ${base}`);
  const existing = await remoteHead(repo, remote, branch);
  const worktree = await mkdtemp(join(tmpdir(), 'modelgate-promote-'));
  await git(repo, ['worktree', 'add', '--quiet', '--detach', worktree, baseSha], 'promotion worktree');
  try {
    const registryDir = join(worktree, repo.prefix);
    const change = await promote({
      registryDir,
      name: options.model,
      stage: options.stage,
      ...(options.version ? { version: options.version } : {}),
      // Tags belong to the merge, not to a proposal.
      gtoTags: false,
    });
    const versionDir = join(registryDir, registryPath.version(options.model, change.version));
    const common = {
      branch,
      base,
      baseSha,
      change,
      stagesPath: [repo.prefix, registryPath.stages(options.model)].filter(Boolean).join('/'),
      card: await readOptional(join(versionDir, REGISTRY_FILES.card)),
      evaluationJson: await readOptional(join(versionDir, REGISTRY_FILES.evaluation)),
      codeOwners: await readCodeOwners(worktree),
    };
    const head = change.commit;
    if (!change.changed || !head) return { ...common, head: null, branchAction: 'none' };
    if (existing && (await sameProposal(repo, remote, branch, existing, head, baseSha))) {
      return { ...common, head: existing, branchAction: 'unchanged' };
    }
    await git(
      repo,
      [
        'push',
        '--quiet',
        `--force-with-lease=refs/heads/${branch}:${existing ?? ''}`,
        remote,
        `${head}:refs/heads/${branch}`,
      ],
      `push ${branch} to ${remote}`,
    );
    return { ...common, head, branchAction: 'pushed' };
  } finally {
    await repo.git.raw(['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    await rm(worktree, { recursive: true, force: true });
    await repo.git.raw(['worktree', 'prune']).catch(() => undefined);
  }
}
