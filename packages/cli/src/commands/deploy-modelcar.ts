import { deployModelcar, type ModelcarResult } from '@modelgate/serve';
import type { CommandOutcome } from '../outcome.js';
import { type ImageFlags, imageOptions } from './deploy-image.js';

export interface ModelcarFlags extends ImageFlags {
  modelcarBase?: string;
  runtimeImage?: string;
}

function describe(r: ModelcarResult): string {
  const lines = [`built modelcar ${r.modelcar.tag} for ${r.model}@${r.version} with ${r.builder}`];
  if (!r.manifests || !r.modelcar.reference) {
    lines.push('not pushed, so no manifests were written: add --push <registry>/<repository>');
    return lines.join('\n');
  }
  const out = r.manifests.out.replace(/\/+$/, '');
  lines.push(
    `pushed ${r.modelcar.reference}`,
    `digest ${r.modelcar.digest}`,
    `runtime ${r.runtimeName}: ${r.runtime}`,
    `wrote ${out}/ (${r.manifests.files.join('  ')}): storageUri oci://${r.modelcar.reference}`,
    `apply: kubectl apply -k ${out}/kserve  (modelcars must be enabled in KServe's storageInitializer config)`,
  );
  return lines.join('\n');
}

export async function deployModelcarCommand(flags: ModelcarFlags): Promise<CommandOutcome> {
  const result = await deployModelcar({
    ...imageOptions(flags),
    ...(flags.modelcarBase ? { modelcarBase: flags.modelcarBase } : {}),
    ...(flags.runtimeImage ? { runtimeImage: flags.runtimeImage } : {}),
  });
  const pinned = result.modelcar.reference ? `, pushed as \`${result.modelcar.reference}\`` : ' (not pushed)';
  return {
    exitCode: 0,
    data: result,
    text: describe(result),
    summary: `### Modelcar for \`${result.model}@${result.version}\`\n\nBuilt \`${result.modelcar.tag}\`${pinned}.\n`,
  };
}
