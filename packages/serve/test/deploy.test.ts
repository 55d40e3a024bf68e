import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Service } from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expectUserError, useTempDir } from '../../core/test/fixtures.js';
import { digestFile } from '../../registry/src/index.js';
import {
  k8sDeploySettings,
  modelcarManifests,
  OWNERSHIP_FILE,
  servingImageManifests,
  validateManifest,
  writeK8sDeployment,
} from '../src/deploy/index.js';
import { clusterServingRuntimeValidator, inferenceServiceValidator } from './kserve-schema.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's own registry: penguins-species v1, in staging. */
const REGISTRY = join(here, '../../../registry');
const MODEL = 'penguins-species#staging';
const temp = useTempDir('deploy');

const TOP_FILES = [
  'Dockerfile',
  'deployment.yaml',
  'hpa.yaml',
  'kustomization.yaml',
  'package.json',
  'registry.yaml',
  'service.yaml',
];

async function readYaml(path: string): Promise<Record<string, unknown>> {
  return parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

let validateInferenceService: ValidateFunction;
let validateClusterServingRuntime: ValidateFunction;

beforeAll(async () => {
  validateInferenceService = await inferenceServiceValidator();
  validateClusterServingRuntime = await clusterServingRuntimeValidator();
});

describe('modelgate deploy --target k8s', () => {
  it('writes a GitOps directory whose manifests validate against the Kubernetes and KServe schemas', async () => {
    const out = temp.path('gitops');
    const result = await writeK8sDeployment({ registry: REGISTRY, model: MODEL, out });
    expect(result).toMatchObject({ model: 'penguins-species', version: 'v1', image: 'penguins-species:v1' });
    expect((await readdir(out)).sort()).toEqual([OWNERSHIP_FILE, ...TOP_FILES, 'kserve', 'model'].sort());
    expect((await readdir(join(out, 'kserve'))).sort()).toEqual([
      'inferenceservice.yaml',
      'kustomization.yaml',
    ]);
    expect((await readdir(join(out, 'model'))).sort()).toEqual([
      'card.md',
      'evaluation.json',
      'metadata.json',
      'model.onnx',
      'reference-profile.json',
    ]);
    const metadata = JSON.parse(await readFile(join(out, 'model/metadata.json'), 'utf8'));
    expect((await digestFile(join(out, 'model/model.onnx'))).sha256).toBe(metadata.model.sha256);

    const deployment = new Deployment((await readYaml(join(out, 'deployment.yaml'))) as never);
    const service = new Service((await readYaml(join(out, 'service.yaml'))) as never);
    const hpa = new HorizontalPodAutoscaler((await readYaml(join(out, 'hpa.yaml'))) as never);
    for (const manifest of [deployment, service, hpa]) expect(() => manifest.validate()).not.toThrow();

    const pod = deployment.spec?.template.spec;
    const container = pod?.containers[0];
    expect(container?.readinessProbe?.httpGet?.path).toBe('/v2/health/ready');
    expect(container?.livenessProbe?.httpGet?.path).toBe('/v2/health/live');
    expect(container?.resources).toEqual({
      requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
    });
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(deployment.spec?.replicas).toBeUndefined();
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 10,
      scaleTargetRef: { kind: 'Deployment', name: 'penguins-species' },
    });
    expect(service.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);

    const isvc = await readYaml(join(out, 'kserve/inferenceservice.yaml'));
    expect(validateInferenceService(isvc), JSON.stringify(validateInferenceService.errors)).toBe(true);
    expect(isvc).toMatchObject({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      spec: {
        predictor: {
          model: {
            modelFormat: { name: 'onnx' },
            protocolVersion: 'v2',
            storageUri: 'pvc://modelgate-models/penguins-species/v1',
          },
        },
      },
    });

    const kustomization = await readYaml(join(out, 'kustomization.yaml'));
    expect(kustomization).toMatchObject({
      kind: 'Kustomization',
      resources: ['deployment.yaml', 'service.yaml', 'hpa.yaml'],
      images: [{ name: 'penguins-species', newTag: 'v1' }],
    });
    expect((await readYaml(join(out, 'kserve/kustomization.yaml'))).resources).toEqual([
      'inferenceservice.yaml',
    ]);

    const dockerfile = await readFile(join(out, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^# Generated by `modelgate deploy`/);
    expect(dockerfile).toContain('FROM node:20-slim');
    expect(dockerfile).toContain('RUN npm ci --omit=dev');
    expect(dockerfile).toContain('COPY model/ /app/registry/penguins-species/versions/v1/');
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\/v2\/health\/ready/m);
    expect(dockerfile).toContain(
      'CMD ["node","/app/node_modules/@modelgate/cli/dist/bin.js","serve","--registry","/app/registry","--model","penguins-species@v1","--host","0.0.0.0","--port","8080"]',
    );
    expect(await readFile(join(out, 'deployment.yaml'), 'utf8')).toMatch(
      /^# Generated by `modelgate deploy` from registry model penguins-species@v1/,
    );
  });

  it('proves the validators can fail: a broken Deployment and a broken InferenceService are rejected', async () => {
    const out = temp.path('gitops');
    const good = await readYaml(join(out, 'deployment.yaml'));
    const spec = good.spec as {
      replicas?: unknown;
      template: { spec: { containers: Record<string, unknown>[] } };
    };
    const badReplicas = new Deployment({ ...good, spec: { ...spec, replicas: 'two' } } as never);
    expect(() => badReplicas.validate()).toThrow(/replicas/);
    const nameless = structuredClone(good) as typeof good & { spec: typeof spec };
    delete nameless.spec.template.spec.containers[0]?.name;
    await expectUserError(
      () => validateManifest('deployment.yaml', new Deployment(nameless as never)),
      /deployment.yaml: not a valid Deployment: .*name/,
    );

    const isvc = await readYaml(join(out, 'kserve/inferenceservice.yaml'));
    const model = (isvc.spec as { predictor: { model: Record<string, unknown> } }).predictor.model;
    const variants = [
      { ...model, modelFormat: {} },
      { ...model, storageURI: model.storageUri },
      { ...model, resources: { limits: { cpu: 'two cores' } } },
    ];
    for (const broken of variants) {
      const manifest = { ...isvc, spec: { predictor: { model: broken } } };
      expect(validateInferenceService(manifest)).toBe(false);
    }
    expect(validateInferenceService({ ...isvc, spec: { predictor: { minReplicas: '2', model } } })).toBe(
      false,
    );
  });

  it('refuses to overwrite a file the user edited, and --force overwrites it', async () => {
    const out = temp.path('edited');
    await writeK8sDeployment({ registry: REGISTRY, model: MODEL, out });
    const again = await writeK8sDeployment({ registry: REGISTRY, model: MODEL, out, replicas: 3 });
    expect(again.replaced).toContain('deployment.yaml');
    const edited = `${await readFile(join(out, 'service.yaml'), 'utf8')}# my change\n`;
    await writeFile(join(out, 'service.yaml'), edited);
    await writeFile(join(out, 'README.md'), 'my notes\n');
    const before = await readFile(join(out, 'hpa.yaml'), 'utf8');
    await expectUserError(
      writeK8sDeployment({ registry: REGISTRY, model: MODEL, out, replicas: 4 }),
      /service\.yaml was edited or not written by modelgate deploy.*--force/,
    );
    expect(await readFile(join(out, 'service.yaml'), 'utf8')).toBe(edited);
    expect(await readFile(join(out, 'hpa.yaml'), 'utf8')).toBe(before);
    await writeK8sDeployment({ registry: REGISTRY, model: MODEL, out, replicas: 4, force: true });
    expect(await readFile(join(out, 'service.yaml'), 'utf8')).not.toContain('# my change');
    expect(await readFile(join(out, 'README.md'), 'utf8')).toBe('my notes\n');
    expect((await readYaml(join(out, 'hpa.yaml'))).spec).toMatchObject({ minReplicas: 4 });
  });

  it('refuses to replace a file it did not write', async () => {
    const mine = temp.path('mine');
    await mkdir(mine);
    await writeFile(join(mine, 'deployment.yaml'), 'kind: Deployment # mine\n');
    await expectUserError(
      writeK8sDeployment({ registry: REGISTRY, model: MODEL, out: mine }),
      /deployment\.yaml was edited or not written/,
    );
    expect(await readdir(mine)).toEqual(['deployment.yaml']);
  });

  it('is atomic: a failing run leaves the directory as it was, and a fixed count drops the HPA it wrote', async () => {
    const out = temp.path('atomic');
    await writeK8sDeployment({ registry: REGISTRY, model: MODEL, out });
    const snapshot = await snapshotDir(out);
    const broken = temp.path('broken-registry');
    await cp(REGISTRY, broken, { recursive: true });
    await writeFile(
      join(broken, 'penguins-species/versions/v1/model.onnx'),
      'version https://git-lfs.github.com/spec/v1\n',
    );
    await expectUserError(
      writeK8sDeployment({ registry: broken, model: MODEL, out }),
      /model\.onnx: sha256 .* does not match metadata\.json/,
    );
    await expectUserError(
      writeK8sDeployment({ registry: REGISTRY, model: MODEL, out, cpuRequest: 'lots' }),
      /--cpu-request 'lots'/,
    );
    expect(await snapshotDir(out)).toEqual(snapshot);
    expect((await readdir(temp.dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);

    const fixed = await writeK8sDeployment({
      registry: REGISTRY,
      model: MODEL,
      out,
      replicas: 3,
      maxReplicas: 3,
    });
    expect(fixed.removed).toEqual(['hpa.yaml']);
    expect(await readdir(out)).not.toContain('hpa.yaml');
    expect((await readYaml(join(out, 'deployment.yaml'))).spec).toMatchObject({ replicas: 3 });
    expect((await readYaml(join(out, 'kustomization.yaml'))).resources).toEqual([
      'deployment.yaml',
      'service.yaml',
    ]);
  });
});

async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[path] = (await digestFile(path)).sha256;
    }
  }
  return out;
}

// What --target image and --target modelcar write once pushed, rendered for a made-up digest without a build
// (deploy-image.test.ts builds, runs and pushes them for real when dockerd is there).
// biome-ignore lint/suspicious/noExplicitAny: assertions walk the manifests by path
async function readManifest(path: string): Promise<any> {
  return parse(await readFile(path, 'utf8'));
}

describe('modelgate deploy --target image|modelcar: the manifests for a pushed digest', () => {
  const digest = (byte: string) => `sha256:${byte.repeat(64)}`;
  const repository = '127.0.0.1:5000/acme/penguins-server';
  const pushedImage = async (out: string, byte: string, canary?: number) => {
    const metadata = JSON.parse(
      await readFile(join(REGISTRY, 'penguins-species/versions/v1/metadata.json'), 'utf8'),
    );
    const model = { name: 'penguins-species', version: 'v1', sha256: metadata.model.sha256 };
    const pinned = servingImageManifests(model, { repository, digest: digest(byte) }, {});
    return writeK8sDeployment({
      registry: REGISTRY,
      model: MODEL,
      out,
      pinned,
      ...(canary === undefined ? {} : { canary }),
    });
  };

  it('image: the InferenceService runs the serving image by digest as a custom predictor, like the Deployment', async () => {
    const out = temp.path('image-kserve');
    const result = await pushedImage(out, 'a');
    expect(result.files).toEqual(
      expect.arrayContaining(['kserve/inferenceservice.yaml', 'kserve/kustomization.yaml']),
    );
    const isvc = await readManifest(join(out, 'kserve/inferenceservice.yaml'));
    expect(validateInferenceService(isvc), JSON.stringify(validateInferenceService.errors)).toBe(true);
    expect(isvc.spec.predictor).not.toHaveProperty('model');
    const [container] = isvc.spec.predictor.containers;
    expect(container.image).toBe(`${repository}@${digest('a')}`);
    const server = (await readManifest(join(out, 'deployment.yaml'))).spec.template.spec.containers[0];
    expect(container.image).toBe(server.image);
    // The image's ENTRYPOINT and CMD, which the Deployment runs without naming them.
    expect([...container.command, ...container.args]).toEqual([
      'node',
      '/app/node_modules/@modelgate/cli/dist/bin.js',
      'serve',
      '--registry',
      '/app/registry',
      '--model',
      'penguins-species@v1',
      '--host',
      '0.0.0.0',
      '--port',
      '8080',
    ]);
    expect(container.ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(container.readinessProbe).toEqual({
      ...server.readinessProbe,
      httpGet: { ...server.readinessProbe.httpGet, port: 8080 },
    });
    expect(container.resources).toEqual(server.resources);
    expect((await readYaml(join(out, 'kserve/kustomization.yaml'))).resources).toEqual([
      'inferenceservice.yaml',
    ]);

    const misspelt = [
      (c: Record<string, unknown>) => {
        c.imagePullPolcy = 'IfNotPresent';
      },
      (c: { readinessProbe: { httpGet: Record<string, unknown> } }) => {
        c.readinessProbe.httpGet.paht = '/v2/health/ready';
      },
      (c: { ports: Record<string, unknown>[] }) => {
        (c.ports[0] as Record<string, unknown>).containerPort = '8080';
      },
    ];
    for (const breakIt of misspelt) {
      const broken = structuredClone(isvc);
      breakIt(broken.spec.predictor.containers[0]);
      expect(validateInferenceService(broken)).toBe(false);
    }
    const singular = structuredClone(isvc);
    singular.spec.predictor.container = singular.spec.predictor.containers;
    expect(validateInferenceService(singular)).toBe(false);
  });

  it('image with --canary: the new digest gets canaryTrafficPercent on the InferenceService and its own Deployment', async () => {
    const out = temp.path('image-canary');
    await pushedImage(out, 'a');
    const result = await pushedImage(out, 'b', 20);
    expect(result.canary).toMatchObject({ percent: 20, stable: 'penguins-species@v1' });
    const isvc = await readManifest(join(out, 'kserve/inferenceservice.yaml'));
    expect(validateInferenceService(isvc), JSON.stringify(validateInferenceService.errors)).toBe(true);
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(20);
    expect(isvc.spec.predictor.containers[0].image).toBe(`${repository}@${digest('b')}`);
    const image = async (file: string) =>
      (await readManifest(join(out, file))).spec.template.spec.containers[0].image;
    expect(await image('deployment.yaml')).toBe(`${repository}@${digest('a')}`);
    expect(await image('canary-deployment.yaml')).toBe(`${repository}@${digest('b')}`);
  });

  it('modelcar: the ClusterServingRuntime validates strictly against the vendored CRD schema, and a misspelt field fails', async () => {
    const out = temp.path('modelcar-kserve');
    const modelcar = { repository: '127.0.0.1:5000/acme/penguins-modelcar', digest: digest('c') };
    const runtime = `${modelcar.repository}-runtime@${digest('d')}`;
    const settings = k8sDeploySettings({ registry: REGISTRY, model: MODEL, out });
    const pinned = modelcarManifests(
      { ...modelcar, reference: `${modelcar.repository}@${modelcar.digest}` },
      runtime,
      settings,
      {},
    );
    await writeK8sDeployment({ registry: REGISTRY, model: MODEL, out, pinned });
    const csr = await readManifest(join(out, 'kserve/clusterservingruntime.yaml'));
    expect(validateClusterServingRuntime(csr), JSON.stringify(validateClusterServingRuntime.errors)).toBe(
      true,
    );
    expect(csr.spec.containers[0].image).toBe(runtime);
    const isvc = await readManifest(join(out, 'kserve/inferenceservice.yaml'));
    expect(validateInferenceService(isvc), JSON.stringify(validateInferenceService.errors)).toBe(true);
    expect(isvc.spec.predictor.model).toMatchObject({
      storageUri: `oci://${modelcar.repository}@${modelcar.digest}`,
      runtime: csr.metadata.name,
    });

    const breakers = [
      (c: { spec: Record<string, unknown> }) => {
        c.spec.supportedModelFormat = c.spec.supportedModelFormats;
      },
      (c: { spec: { containers: Record<string, unknown>[] } }) => {
        (c.spec.containers[0] as Record<string, unknown>).comand = ['node'];
      },
      (c: { spec: { containers: { securityContext: Record<string, unknown> }[] } }) => {
        (c.spec.containers[0] as { securityContext: Record<string, unknown> }).securityContext.runAsNonroot =
          true;
      },
      (c: { spec: { supportedModelFormats: Record<string, unknown>[] } }) => {
        (c.spec.supportedModelFormats[0] as Record<string, unknown>).autoSelect = 'false';
      },
      (c: { spec: Record<string, unknown> }) => {
        delete c.spec.containers;
      },
    ];
    for (const breakIt of breakers) {
      const broken = structuredClone(csr);
      breakIt(broken);
      expect(validateClusterServingRuntime(broken), JSON.stringify(broken.spec)).toBe(false);
    }
  });
});
