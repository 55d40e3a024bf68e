import { deployImage, type ImageDeployOptions, type ImageDeployResult } from '@modelgate/serve';
import type { CommandOutcome } from '../outcome.js';
import { type K8sFlags, k8sOptions } from './deploy-k8s.js';

export interface ImageFlags extends K8sFlags {
  push?: string;
  baseImage?: string;
  builder?: string;
}

function describe(r: ImageDeployResult): string {
  const lines = [`built ${r.image.tag} for ${r.model}@${r.version} with ${r.builder} (base ${r.baseImage})`];
  if (!r.manifests || !r.image.digest) {
    lines.push(
      'not pushed, so no manifests were written (they would name an image no cluster can pull): add --push <registry>/<repository>',
    );
    return lines.join('\n');
  }
  const out = r.manifests.out.replace(/\/+$/, '');
  lines.push(
    `pushed ${r.image.reference}`,
    `digest ${r.image.digest}`,
    `wrote ${out}/ (${r.manifests.files.join('  ')}): the manifests name the image by digest; ${out}/image.json records it`,
    `apply: kubectl apply -k ${out}  (or KServe: kubectl apply -k ${out}/kserve)`,
  );
  return lines.join('\n');
}

/** The flags the image and modelcar targets share, as options. */
export function imageOptions(flags: ImageFlags): ImageDeployOptions {
  return {
    ...k8sOptions(flags),
    ...(flags.push ? { push: flags.push } : {}),
    ...(flags.baseImage ? { baseImage: flags.baseImage } : {}),
    ...(flags.builder ? { builder: flags.builder } : {}),
  };
}

export async function deployImageCommand(flags: ImageFlags): Promise<CommandOutcome> {
  const result = await deployImage(imageOptions(flags));
  const pinned = result.image.reference ? `, pushed as \`${result.image.reference}\`` : ' (not pushed)';
  return {
    exitCode: 0,
    data: result,
    text: describe(result),
    summary: `### Serving image for \`${result.model}@${result.version}\`\n\nBuilt \`${result.image.tag}\`${pinned}.\n`,
  };
}
