import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@modelgate/core';
import { parse } from 'yaml';
import type { Workload } from './kubernetes.js';

export interface CanarySplit {
  /** The version deployed now (from the directory's deployment.yaml): it keeps the rest of the traffic. */
  stable: Workload;
  stableReplicas: number;
  canaryReplicas: number;
  /** The canary's share of ready pods, hence of a Service's traffic: the replica ratio, rounded. */
  effectivePercent: number;
}

/**
 * Replica counts whose ratio is closest to `percent` with the stable side at
 * `replicas` pods (a Service spreads requests evenly over ready pods): at least
 * one canary pod for any share above 0, none at 0 (rollback), all at 100.
 */
export function canaryReplicas(percent: number, replicas: number): { stable: number; canary: number } {
  if (percent === 0) return { stable: replicas, canary: 0 };
  if (percent === 100) return { stable: 0, canary: replicas };
  return { stable: replicas, canary: Math.max(1, Math.round((replicas * percent) / (100 - percent))) };
}

/** The workload an earlier run wrote to `<out>/deployment.yaml`: the stable side of a canary. */
export async function deployedWorkload(out: string): Promise<Workload> {
  const path = join(out, 'deployment.yaml');
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UserError(
      `--canary: ${path} is missing, so no version is deployed to split traffic with. Deploy the current version first (without --canary), then re-run with --canary.`,
    );
  });
  const doc = parse(text) as {
    metadata?: { name?: string };
    spec?: {
      template?: {
        metadata?: { annotations?: Record<string, string> };
        spec?: { containers?: { image?: string }[] };
      };
    };
  };
  const ref = doc.spec?.template?.metadata?.annotations?.['modelgate.dev/model'];
  const image = doc.spec?.template?.spec?.containers?.[0]?.image;
  const at = ref?.lastIndexOf('@') ?? -1;
  if (!doc.metadata?.name || !ref || at < 1 || !image) {
    throw new UserError(
      `--canary: ${path} was not written by modelgate deploy (no modelgate.dev/model annotation or image). Deploy the current version with modelgate deploy first.`,
    );
  }
  return { name: doc.metadata.name, model: ref.slice(0, at), version: ref.slice(at + 1), image };
}

export async function planCanary(
  out: string,
  percent: number,
  replicas: number,
  next: Workload,
): Promise<CanarySplit> {
  const stable = await deployedWorkload(out);
  if (stable.image === next.image && stable.version === next.version) {
    throw new UserError(
      `--canary ${percent}: ${next.model}@${next.version} (${next.image}) is already the deployed version in ${out}; name the new version with --model.`,
    );
  }
  const split = canaryReplicas(percent, replicas);
  const total = split.stable + split.canary;
  return {
    stable,
    stableReplicas: split.stable,
    canaryReplicas: split.canary,
    effectivePercent: Math.round((100 * split.canary) / total),
  };
}
