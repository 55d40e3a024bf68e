import { execFile } from 'node:child_process';

/** The label keys a deployment (and the tests) read back from a pushed image. */
export const MODEL_LABELS = {
  name: 'dev.modelgate.model.name',
  version: 'dev.modelgate.model.version',
  sha256: 'dev.modelgate.model.sha256',
  toolkit: 'dev.modelgate.toolkit.version',
} as const;

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], (err, stdout) =>
      resolve(err ? undefined : String(stdout).trim() || undefined),
    );
  });
}

/** The registry's repository and commit, without credentials a remote URL may carry. */
export async function gitSource(dir: string): Promise<{ repository?: string; commit?: string }> {
  const [remote, commit] = await Promise.all([
    git(dir, ['remote', 'get-url', 'origin']),
    git(dir, ['rev-parse', 'HEAD']),
  ]);
  const repository = remote?.replace(/^(\w+:\/\/)[^/@]*@/, '$1');
  return { ...(repository ? { repository } : {}), ...(commit ? { commit } : {}) };
}

export interface LabelFacts {
  /** The model baked in; none for the KServe runtime image. */
  model?: { name: string; version: string; sha256: string };
  /** The toolkit inside; none for a modelcar. */
  toolkitVersion?: string;
  baseImage: string;
  source: { repository?: string; commit?: string };
  created: string;
  description: string;
}

/** OCI image-spec annotation keys as config labels (what docker, podman and registries show), plus the model's. */
export function imageLabels(f: LabelFacts): Record<string, string> {
  const { model } = f;
  return {
    'org.opencontainers.image.title': model ? `${model.name} ${model.version}` : 'modelgate server',
    'org.opencontainers.image.description': f.description,
    'org.opencontainers.image.version': model?.version ?? f.toolkitVersion ?? '',
    'org.opencontainers.image.created': f.created,
    'org.opencontainers.image.base.name': f.baseImage,
    ...(f.source.repository ? { 'org.opencontainers.image.source': f.source.repository } : {}),
    ...(f.source.commit ? { 'org.opencontainers.image.revision': f.source.commit } : {}),
    ...(model
      ? {
          [MODEL_LABELS.name]: model.name,
          [MODEL_LABELS.version]: model.version,
          [MODEL_LABELS.sha256]: model.sha256,
        }
      : {}),
    ...(f.toolkitVersion ? { [MODEL_LABELS.toolkit]: f.toolkitVersion } : {}),
  };
}
