import { type K8sDeployOptions, type K8sDeployResult, writeK8sDeployment } from '@modelgate/serve';
import { parseNumber } from '../flags.js';
import type { CommandOutcome } from '../outcome.js';
import { VERSION } from '../version.js';

export interface K8sFlags {
  registry: string;
  model: string;
  out: string;
  image?: string;
  tag?: string;
  namespace?: string;
  replicas?: string;
  maxReplicas?: string;
  cpuTarget?: string;
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
  port?: string;
  storageUri?: string;
  kserveRuntime?: string;
  canary?: string;
  force?: boolean;
}

function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}

function describe(result: K8sDeployResult): string {
  const top = result.files.filter((f) => !f.includes('/'));
  const kserve = result.files.filter((f) => f.startsWith('kserve/'));
  const model = result.files.filter((f) => f.startsWith('model/'));
  const out = result.out.replace(/\/+$/, '');
  const lines = [
    `wrote ${out}/ for ${result.model}@${result.version} (image ${result.image})`,
    `  ${top.join('  ')}  model/ (${model.length} files)`,
    `  ${kserve.join('  ')}`,
    `apply: kubectl apply -k ${out}  (or KServe: kubectl apply -k ${out}/kserve); Argo CD or Flux can sync either path`,
    `image: cd ${out} && npm install --package-lock-only && docker build -t ${result.image} .`,
  ];
  if (result.canary) {
    const c = result.canary;
    lines.push(
      `canary: ${c.percent}% to ${result.model}@${result.version}, the rest to ${c.stable} (KServe canaryTrafficPercent ${c.percent}; Deployments ${c.stableReplicas} stable + ${c.canaryReplicas} canary pods = ${c.effectivePercent}%)`,
      'promote: re-run without --canary; roll back: re-run with --canary 0 (see DEPLOY.md)',
    );
  }
  if (result.replaced.length > 0) lines.push(`replaced: ${result.replaced.join(', ')}`);
  if (result.removed.length > 0) lines.push(`removed (no longer generated): ${result.removed.join(', ')}`);
  return lines.join('\n');
}

/** The k8s flags as options: shared by the k8s, image and modelcar targets. */
export function k8sOptions(flags: K8sFlags): K8sDeployOptions {
  return {
    registry: flags.registry,
    model: flags.model,
    out: flags.out,
    ...defined({
      image: flags.image,
      tag: flags.tag,
      namespace: flags.namespace,
      replicas: parseNumber('replicas', flags.replicas, true),
      maxReplicas: parseNumber('max-replicas', flags.maxReplicas, true),
      cpuTarget: parseNumber('cpu-target', flags.cpuTarget, true),
      cpuRequest: flags.cpuRequest,
      cpuLimit: flags.cpuLimit,
      memoryRequest: flags.memoryRequest,
      memoryLimit: flags.memoryLimit,
      port: parseNumber('port', flags.port, true),
      storageUri: flags.storageUri,
      kserveRuntime: flags.kserveRuntime,
      canary: parseNumber('canary', flags.canary, true),
    }),
    serverPackage: { name: '@modelgate/cli', version: VERSION },
    force: flags.force === true,
  };
}

export async function deployK8s(flags: K8sFlags): Promise<CommandOutcome> {
  const result = await writeK8sDeployment(k8sOptions(flags));
  return {
    exitCode: 0,
    data: result,
    text: describe(result),
    summary: `### Deploy manifests for \`${result.model}@${result.version}\`\n\nWrote ${result.files.length} files to \`${result.out}\` (image \`${result.image}\`).\n`,
  };
}
