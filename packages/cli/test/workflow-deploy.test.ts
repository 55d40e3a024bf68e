// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} are GitHub expressions in workflow YAML.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGE_RECORD_FILE } from '@modelgate/serve';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useTempDir } from '../../core/test/fixtures.js';
import { git, useGitSandbox } from '../../registry/test/git-fixture.js';
import {
  docker as dockerCli,
  ensureBaseImage,
  ensureDocker,
  type LocalRegistry,
  startRegistry,
} from '../../serve/test/docker-fixture.js';
import { runCli } from './run-cli.js';
import { actionFiles, workflowFiles } from './workflow-files.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  uses?: string;
  permissions?: Record<string, string>;
  needs?: string;
  if?: string;
  steps?: Step[];
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<string, Job>;
}

const FILE = '.github/workflows/modelgate-deploy.yml';
const deploy = parse(await readFile(FILE, 'utf8')) as Workflow;
const DIGEST = `sha256:${'ab12'.repeat(16)}`;

function step(job: string, name: string): Step {
  const found = deploy.jobs[job]?.steps?.find((s) => s.name === name);
  if (!found?.run) throw new Error(`${FILE}: no run step '${name}' in job ${job}`);
  return found;
}

/** Runs a step's script the way the runner does for `shell: bash`, with the given environment. */
function runStep(job: string, name: string, cwd: string, env: Record<string, string>) {
  const script = step(job, name).run ?? '';
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
  });
}

describe('the deploy workflow: permissions per job', () => {
  it('grants nothing at the top; the image job alone may push packages and sign', () => {
    expect(deploy.permissions).toEqual({});
    expect(deploy.jobs.image?.permissions).toEqual({
      contents: 'read',
      packages: 'write',
      'id-token': 'write',
      attestations: 'write',
    });
    expect(deploy.jobs.gitops?.permissions).toEqual({ contents: 'write' });
    expect(Object.keys(deploy.jobs).sort()).toEqual(['gitops', 'image']);
  });

  it('no other job of any workflow gets packages, attestations or an OIDC token', async () => {
    const signers: string[] = [];
    for (const file of await workflowFiles()) {
      const doc = parse(file.content) as Workflow;
      for (const [id, job] of Object.entries(doc.jobs)) {
        // A caller's permissions are the ceiling of the reusable workflow it calls, not a grant of its own.
        if (job.uses) continue;
        const p = job.permissions ?? {};
        if (p.packages === 'write' || p.attestations === 'write' || p['id-token'] === 'write')
          signers.push(`${file.name} ${id}`);
      }
    }
    expect(signers.sort()).toEqual([
      '.github/workflows/modelgate-deploy.yml image',
      '.github/workflows/modelgate-site.yml deploy',
    ]);
  });

  it('the caller init writes grants exactly the union of the two jobs', async () => {
    const caller = (await workflowFiles()).find(
      (f) => f.name === 'init:.github/workflows/modelgate-deploy.yml',
    );
    const job = (parse(caller?.content ?? '') as Workflow).jobs.deploy;
    expect(job?.uses).toMatch(/\/\.github\/workflows\/modelgate-deploy\.yml@[0-9a-f]{40}$/);
    expect(job?.permissions).toEqual({ ...deploy.jobs.image?.permissions, contents: 'write' });
  });

  it('the token that writes the repository reaches only its own git commands', () => {
    const gitops = deploy.jobs.gitops?.steps ?? [];
    expect(gitops.map((s) => s.uses?.replace(/@.*/, '') ?? s.name)).toEqual([
      'actions/checkout',
      'actions/download-artifact',
      'Commit the manifests to the GitOps directory',
    ]);
    expect(gitops[0]?.with?.['persist-credentials']).toBe(false);
    expect(
      deploy.jobs.image?.steps?.find((s) => s.uses?.startsWith('actions/checkout@'))?.with,
    ).toMatchObject({ 'persist-credentials': false, lfs: true });
  });
});

describe('the deploy workflow: pins and expressions', () => {
  it('every uses: is an action at a full commit SHA', () => {
    const uses = Object.values(deploy.jobs).flatMap((job) => (job.steps ?? []).flatMap((s) => s.uses ?? []));
    expect(uses.length).toBeGreaterThanOrEqual(9);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
    expect(uses.map((u) => u.replace(/@.*/, ''))).toEqual(
      expect.arrayContaining(['anchore/sbom-action', 'actions/attest-build-provenance', 'actions/attest']),
    );
  });

  it('each action is pinned to one commit across every workflow and action of the repository', async () => {
    const pins = new Map<string, Set<string>>();
    const files = [...(await workflowFiles()), ...(await actionFiles())];
    for (const file of files)
      for (const m of file.content.matchAll(/uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40})\b/g)) {
        const [, action = '', sha = ''] = m;
        pins.set(action, (pins.get(action) ?? new Set()).add(sha));
      }
    const drifted = [...pins].filter(([, shas]) => shas.size > 1).map(([action]) => action);
    expect(drifted).toEqual([]);
    expect(pins.size).toBeGreaterThan(5);
  });

  it('no ${{ }} inside any run: script; GitHub context reaches the shell through env: only', () => {
    const runs = Object.values(deploy.jobs).flatMap((job) => (job.steps ?? []).flatMap((s) => s.run ?? []));
    expect(runs.length).toBeGreaterThanOrEqual(6);
    for (const script of runs) expect(script).not.toContain('${{');
    const login = step('image', 'Log in to GHCR');
    expect(login.env?.GHCR_TOKEN).toBe('${{ github.token }}');
    expect(login.run).toContain('--password-stdin');
    expect(step('image', 'Log out of GHCR').if).toBe('always()');
  });

  it('reads the digest from the record modelgate deploy writes beside the manifests', () => {
    const script = step('image', 'Build and push the image, write the manifests').run ?? '';
    expect(script).toContain(`record="$out/${IMAGE_RECORD_FILE}"`);
    expect(script).toMatch(/--push "\$REPOSITORY" --out "\$out"/);
  });

  it('passes only flags modelgate deploy takes, and targets it knows', async () => {
    const script = step('image', 'Build and push the image, write the manifests').run ?? '';
    const passed = [...new Set(script.match(/(?<=[ (])--[a-z-]+(?= ")/g))].sort();
    expect(passed).toEqual([
      '--base-image',
      '--builder',
      '--canary',
      '--model',
      '--out',
      '--push',
      '--registry',
      '--target',
    ]);
    const help = await runCli(['deploy', '--help']);
    expect(help.code).toBe(0);
    const options = new Set(help.stdout.match(/^\s+(--[a-z-]+)/gm)?.map((o) => o.trim()));
    expect(passed.filter((flag) => !options.has(flag))).toEqual([]);
    const targets = /--target <target>\s+where to deploy: (.*)/.exec(help.stdout)?.[1]?.split(' | ');
    expect(targets).toEqual(expect.arrayContaining(['image', 'modelcar']));
  });

  it('the attestations name the pushed repository and digest and are pushed beside the image', () => {
    const attests = (deploy.jobs.image?.steps ?? []).filter((s) => s.uses?.startsWith('actions/attest'));
    expect(attests).toHaveLength(2);
    for (const attest of attests)
      expect(attest.with).toMatchObject({
        'subject-name': '${{ steps.name.outputs.repository }}',
        'subject-digest': '${{ steps.deploy.outputs.digest }}',
        'push-to-registry': true,
      });
    const sbom = (deploy.jobs.image?.steps ?? []).find((s) => s.uses?.startsWith('anchore/sbom-action@'));
    expect(attests[1]?.with?.['sbom-path']).toBe(sbom?.with?.['output-file']);
  });
});

describe('the image repository and GitOps directory step', () => {
  const tmp = useTempDir('workflow-deploy-name');
  let runs = 0;
  const name = (env: Record<string, string>) => {
    const output = tmp.path(`output-${++runs}`);
    const r = runStep('image', 'Image repository and GitOps directory', process.cwd(), {
      GITHUB_REPOSITORY: 'Acme-Labs/Penguin.Models',
      TARGET: 'image',
      IMAGE: '',
      MODEL: 'penguins-species#production',
      WORKING_DIRECTORY: '.',
      GITOPS_PATH: '',
      GITHUB_OUTPUT: output,
      ...env,
    });
    return { ...r, output: existsSync(output) ? readFileSync(output, 'utf8') : '' };
  };

  it('defaults to ghcr.io/<owner>/<repo>, lowercased, and deploy/<model name>', () => {
    expect(name({}).output).toBe(
      'repository=ghcr.io/acme-labs/penguin.models\ngitops-dir=deploy/penguins-species\n',
    );
  });

  it('lowercases an image override and puts the GitOps path under working-directory', () => {
    const r = name({
      IMAGE: 'ghcr.io/Acme-Labs/serving/penguins',
      TARGET: 'modelcar',
      MODEL: 'penguins-species@v3',
      WORKING_DIRECTORY: './ml/',
      GITOPS_PATH: 'clusters/prod/penguins',
    });
    expect(r.output).toBe(
      'repository=ghcr.io/acme-labs/serving/penguins\ngitops-dir=ml/clusters/prod/penguins\n',
    );
  });

  it('refuses another registry, a tag or digest, and an unknown target, naming the input', () => {
    for (const image of [
      'docker.io/acme/penguins',
      'ghcr.io/acme/penguins:v3',
      `ghcr.io/acme/p@${DIGEST}`,
      'ghcr.io/acme',
    ]) {
      const r = name({ IMAGE: image });
      expect(r.status, image).toBe(1);
      expect(r.output).toBe('');
      expect(r.stdout).toBe(
        `::error::image '${image}': expected a GHCR repository, ghcr.io/<owner>/<name> (no tag or digest).\n`,
      );
    }
    const r = name({ TARGET: 'k8s' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("::error::target 'k8s': expected image or modelcar.\n");
  });

  it('refuses a gitops-path outside the repository or the working directory itself', () => {
    for (const path of ['../elsewhere', '/etc', '.', './', 'deploy/../..', '.git/hooks', 'deploy/$(id)']) {
      const r = name({ GITOPS_PATH: path });
      expect(r.status, path).toBe(1);
      expect(r.output).toBe('');
      expect(r.stdout).toBe(
        `::error::gitops-path '${path}': expected a relative path inside the repository (letters, digits, . _ - /).\n`,
      );
    }
  });
});

describe('the gitops step, against a real repository and bare remote', () => {
  const sandbox = useGitSandbox('workflow-deploy');
  const IMAGE = `ghcr.io/acme/penguins@${DIGEST}`;

  async function manifests(files: Record<string, string>): Promise<string> {
    const dir = sandbox.tmp.path(
      `manifests-${Object.keys(files).join('-')}-${Math.random().toString(36).slice(2)}`,
    );
    for (const [file, text] of Object.entries(files)) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), text);
    }
    return dir;
  }

  function commit(clone: string, from: string, env: Record<string, string> = {}) {
    return runStep('gitops', 'Commit the manifests to the GitOps directory', clone, {
      MANIFESTS: from,
      GITOPS_DIR: 'deploy/penguins',
      BRANCH: 'main',
      MODEL: 'penguins#production',
      IMAGE,
      PUSH_TOKEN: 'not-a-real-token',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_STEP_SUMMARY: sandbox.tmp.path('summary.md'),
      GIT_AUTHOR_NAME: 'github-actions[bot]',
      GIT_AUTHOR_EMAIL: 'bot@example.com',
      GIT_COMMITTER_NAME: 'github-actions[bot]',
      GIT_COMMITTER_EMAIL: 'bot@example.com',
      GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL ?? '',
      GIT_CONFIG_NOSYSTEM: '1',
      ...env,
    });
  }
  const tree = async (bare: string, path: string) =>
    (await git(bare, 'ls-tree', '-r', '--name-only', 'main', '--', path)).trim().split('\n').filter(Boolean);

  it('replaces deploy/<model>/ with what deploy wrote, commits it and pushes, token kept out of .git/config', async () => {
    const { bare, clone } = await sandbox.remote();
    const seed = await clone();
    await mkdir(join(seed, 'deploy', 'penguins'), { recursive: true });
    await writeFile(join(seed, 'deploy', 'penguins', 'hpa.yaml'), 'kind: HorizontalPodAutoscaler\n');
    await git(seed, 'add', '-A');
    await git(seed, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'an earlier deploy');
    await git(seed, 'push', '-q', 'origin', 'main');

    const from = await manifests({
      'kustomization.yaml': `images:\n  - name: ghcr.io/acme/penguins\n    digest: ${DIGEST}\n`,
      'deployment.yaml': `image: ${IMAGE}\n`,
      'image.json': `{"digest":"${DIGEST}"}\n`,
    });
    const work = await clone();
    const r = commit(work, from);
    expect(r.stderr).not.toMatch(/error|fatal/i);
    expect(r.status).toBe(0);
    expect(await tree(bare, 'deploy/penguins')).toEqual([
      'deploy/penguins/deployment.yaml',
      'deploy/penguins/image.json',
      'deploy/penguins/kustomization.yaml',
    ]);
    expect(await tree(bare, 'README.md')).toEqual(['README.md']);
    expect((await git(bare, 'log', '-1', '--format=%s%n%an', 'main')).trim()).toBe(
      `deploy: penguins#production as ${IMAGE}\ngithub-actions[bot]`,
    );
    expect(await git(bare, 'show', 'main:deploy/penguins/deployment.yaml')).toBe(`image: ${IMAGE}\n`);
    expect(await git(work, 'config', '--local', '--list')).not.toMatch(/extraheader|not-a-real-token/);

    // The same manifests again: nothing to commit, nothing pushed.
    const head = await git(bare, 'rev-parse', 'main');
    const again = commit(await clone(), from);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('manifests unchanged in deploy/penguins');
    expect(await git(bare, 'rev-parse', 'main')).toBe(head);
  });

  it('replays its commit on a push that landed in between, never forcing', async () => {
    const { bare, clone } = await sandbox.remote();
    const work = await clone();
    const other = await clone();
    await writeFile(join(other, 'NOTES.md'), 'someone else\n');
    await git(other, 'add', '-A');
    await git(other, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'meanwhile');
    await git(other, 'push', '-q', 'origin', 'main');

    const r = commit(work, await manifests({ 'kustomization.yaml': 'resources: []\n' }), {
      GITOPS_DIR: 'clusters/prod/penguins',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('push refused (attempt 1)');
    expect((await git(bare, 'log', '--format=%s', 'main')).trim().split('\n')).toEqual([
      `deploy: penguins#production as ${IMAGE}`,
      'meanwhile',
      'initial',
    ]);
    expect(await tree(bare, 'clusters/prod/penguins')).toEqual(['clusters/prod/penguins/kustomization.yaml']);
  });
});

describe('the image step, run for real: docker builds, pushes to a registry on 127.0.0.1', () => {
  const tmp = useTempDir('workflow-deploy-image');
  let docker: { ok: true } | { ok: false; reason: string } = { ok: false, reason: 'not checked' };
  let base = '';
  let registry: LocalRegistry | undefined;
  beforeAll(async () => {
    docker = await ensureDocker();
    if (!docker.ok) return;
    base = await ensureBaseImage();
    registry = await startRegistry();
  }, 900_000);
  afterAll(async () => {
    // The local tags name a registry that is gone once the test ends.
    if (registry) {
      const reference = `${registry.address}/acme/penguins`;
      const tags = await dockerCli([
        'image',
        'ls',
        '--format',
        '{{.Repository}}:{{.Tag}}',
        '--filter',
        `reference=${reference}`,
      ]);
      for (const tag of tags.split('\n').filter(Boolean))
        await dockerCli(['image', 'rm', tag]).catch(() => undefined);
    }
    await registry?.stop();
  });

  it('deploys over the directory as the branch has it: the digest is the one the registry stored, the canary runs it', async (ctx) => {
    if (!docker.ok || !registry) {
      console.warn(`skipped, no docker: ${docker.ok ? 'no registry' : docker.reason}`);
      return ctx.skip();
    }
    // The workflow runs the toolkit checked out at .modelgate; here that checkout is this one (built).
    const workspace = tmp.path('workspace');
    await mkdir(workspace);
    await symlink(process.cwd(), join(workspace, '.modelgate'));
    // The GitOps branch's checkout: an earlier deploy (k8s target, a tag) and a file of the user's.
    const deployed = join(workspace, '.modelgate-gitops', 'deploy', 'penguins-species');
    const earlier = await runCli(
      [
        'deploy',
        '--target',
        'k8s',
        '--model',
        'penguins-species@v1',
        '--image',
        'ghcr.io/acme/old',
        '--out',
        deployed,
      ],
      { cwd: process.cwd() },
    );
    expect(earlier.code, earlier.stderr).toBe(0);
    await writeFile(join(deployed, 'NOTES.md'), 'ours\n');
    const repository = `${registry.address}/acme/penguins`;
    const output = tmp.path('output');
    const r = runStep('image', 'Build and push the image, write the manifests', process.cwd(), {
      MODEL: 'penguins-species#staging',
      TARGET: 'image',
      REGISTRY: 'registry',
      REPOSITORY: repository,
      BASE_IMAGE: base,
      BUILDER: 'docker',
      CANARY: '25',
      GITOPS_DIR: 'deploy/penguins-species',
      GITHUB_WORKSPACE: workspace,
      // What the install step prints as its `bin` output for this (built) checkout.
      MODELGATE_BIN: join(workspace, '.modelgate', 'packages', 'cli', 'dist', 'bin.js'),
      RUNNER_TEMP: tmp.dir,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: tmp.path('summary.md'),
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    });
    expect(r.status, r.stderr).toBe(0);
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    expect(outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputs.out).toBe(tmp.path('modelgate-deploy'));

    const record = JSON.parse(await readFile(join(outputs.out, IMAGE_RECORD_FILE), 'utf8')) as {
      tag: string;
    };
    const tag = record.tag.slice(repository.length + 1);
    const head = await fetch(`http://${registry.address}/v2/acme/penguins/manifests/${tag}`, {
      method: 'HEAD',
      headers: {
        accept: [
          'application/vnd.oci.image.manifest.v1+json',
          'application/vnd.oci.image.index.v1+json',
          'application/vnd.docker.distribution.manifest.v2+json',
          'application/vnd.docker.distribution.manifest.list.v2+json',
        ].join(', '),
      },
    });
    expect(head.headers.get('docker-content-digest')).toBe(outputs.digest);
    // The new image runs as the canary, by digest; the deployed one keeps the rest of the traffic.
    expect(await readFile(join(outputs.out, 'canary-deployment.yaml'), 'utf8')).toContain(
      `image: ${repository}@${outputs.digest}`,
    );
    expect(await readFile(join(outputs.out, 'deployment.yaml'), 'utf8')).toContain(
      'image: ghcr.io/acme/old:v1',
    );
    // What git will commit: files (an emptied model/ directory is no file).
    const files = (await readdir(outputs.out, { recursive: true, withFileTypes: true }))
      .filter((f) => f.isFile())
      .map((f) => join(f.parentPath, f.name).slice(outputs.out.length + 1));
    expect(files).toContain('NOTES.md');
    expect(files.filter((f) => /^(Dockerfile|package\.json|model\/)/.test(f))).toEqual([]);
    expect(readFileSync(tmp.path('summary.md'), 'utf8')).toBe(`pushed ${repository}@${outputs.digest}\n`);
  }, 900_000);
});
