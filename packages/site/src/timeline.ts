import type { HistoryEvent } from '@modelgate/registry';
import type { LoadedModel } from './load/registry.js';

export type EventKind = 'register' | 'promote' | 'rollback' | 'unstage' | 'archive' | 'unarchive';

/** The pull request a commit came from: GitHub's squash subject `… (#12)` or merge subject. */
export function pullRequestOf(subject: string): number | null {
  const match = /\(#(\d+)\)\s*$/.exec(subject) ?? /^Merge pull request #(\d+)\b/.exec(subject);
  return match?.[1] ? Number(match[1]) : null;
}

const versionNumber = (v: string) => Number(v.slice(1));

export function eventKind(e: HistoryEvent): EventKind {
  if (e.event !== 'stage') return e.event;
  if (e.to === null) return 'unstage';
  return e.from !== null && versionNumber(e.to) < versionNumber(e.from) ? 'rollback' : 'promote';
}

/** One line per event, as the timeline reads. */
export function eventText(e: HistoryEvent): string {
  switch (e.event) {
    case 'register':
      return `${e.version} registered`;
    case 'archive':
      return `${e.version} archived`;
    case 'unarchive':
      return `${e.version} unarchived`;
    case 'stage': {
      const was = e.from ? ` (was ${e.from})` : '';
      const kind = eventKind(e);
      if (kind === 'unstage') return `${e.stage} emptied (was ${e.from ?? 'nothing'})`;
      return kind === 'rollback'
        ? `${e.stage} rolled back to ${e.to}${was}`
        : `${e.to} promoted to ${e.stage}${was}`;
    }
  }
}

export interface StageInfo {
  stage: string;
  version: string | null;
  /** The change that put this version there: when, in which commit, from which pull request. */
  since: string | null;
  commit: string | null;
  pullRequest: number | null;
}

/** Each stage of the registry (and any other stages.yaml names) with the change that set it. */
export function stageInfo(
  model: LoadedModel,
  history: readonly HistoryEvent[] | null,
  stages: readonly string[],
): StageInfo[] {
  const names = [
    ...stages,
    ...Object.keys(model.stages)
      .filter((s) => !stages.includes(s))
      .sort(),
  ];
  return names.map((stage) => {
    const version = model.stages[stage] ?? null;
    const change = history?.find((e) => e.event === 'stage' && e.stage === stage && e.to === version);
    return {
      stage,
      version,
      since: change?.date ?? null,
      commit: change?.commit ?? null,
      pullRequest: change ? pullRequestOf(change.subject) : null,
    };
  });
}
