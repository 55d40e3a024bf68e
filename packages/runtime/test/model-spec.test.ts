import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerVersion } from '@modelgate/registry';
import { attr, OnnxGraph } from '@modelgate/train';
import { describe, expect, it } from 'vitest';
import { expectUserError, useTempDir } from '../../core/test/fixtures.js';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import {
  createSession,
  type ModelSpec,
  modelSpecOf,
  openModel,
  parseModelSpec,
  readModelPath,
  readOnnxMetadata,
  readSignature,
  recordedSpec,
  resolveModel,
  specMetadataProps,
  stampMetadata,
} from '../src/index.js';

const tmp = useTempDir('model-spec');
const sandbox = useGitSandbox('model-spec-registry');

const FEATURES = ['bill', 'flipper', 'mass'];
const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];
const SPEC: ModelSpec = {
  task: 'multiclass',
  target: 'species',
  features: FEATURES.map((name) => ({ name, kind: 'numeric' as const })),
  classes: CLASSES,
};

/** A torch-like export: one packed float [N, 3] input, softmax probabilities, the producer's own metadata. */
function packedModel(): Uint8Array {
  const g = new OnnxGraph('packed');
  const x = g.input('input', { dtype: 'float', shape: ['N', FEATURES.length] });
  const w = g.initializer(
    'w',
    Float32Array.from({ length: 9 }, (_, i) => (i % 4) * 0.25),
    [3, 3],
  );
  const p = g.node('Softmax', [g.node('MatMul', [x, w])], { axis: attr.int(1) });
  g.output(p, 'probabilities', { dtype: 'float', shape: ['N', CLASSES.length] });
  return stampMetadata(g.toBytes(), { 'producer.note': 'kept' });
}

/** One [N, 1] input per feature. */
function columnsModel(): Uint8Array {
  const g = new OnnxGraph('columns');
  const inputs = FEATURES.map((name) => g.input(name, { dtype: 'float', shape: ['N', 1] }));
  const x = g.node('Concat', inputs, { axis: attr.int(1) });
  g.output(g.node('Softmax', [x], { axis: attr.int(1) }), 'probabilities', {
    dtype: 'float',
    shape: ['N', 3],
  });
  return g.toBytes();
}

async function modelDir(name: string, bytes: Uint8Array, metadata?: unknown): Promise<string> {
  const dir = tmp.path(name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.onnx'), bytes);
  if (metadata !== undefined) await writeFile(join(dir, 'metadata.json'), JSON.stringify(metadata));
  return dir;
}

describe('parseModelSpec', () => {
  it('reads a spec and says what is wrong with one that is not', () => {
    expect(parseModelSpec(SPEC)).toEqual(SPEC);
    expect(parseModelSpec({ ...SPEC, target: undefined })).toEqual({ ...SPEC, target: null });
    expect(parseModelSpec({ ...SPEC, classes: undefined })).toMatch(/^a classifier needs classes/);
    expect(parseModelSpec({ ...SPEC, classes: ['a', 'a'] })).toBe('classes has a name twice');
    expect(parseModelSpec({ ...SPEC, task: 'binary' })).toBe('a binary model with 3 classes');
    expect(parseModelSpec({ ...SPEC, task: 'ranking' })).toMatch(/^task is "ranking", expected/);
    expect(parseModelSpec({ ...SPEC, features: [{ name: 'a', kind: 'text' }] })).toMatch(
      /^features\[0\] is not/,
    );
    expect(
      parseModelSpec({
        ...SPEC,
        features: [
          { name: 'a', kind: 'numeric' },
          { name: 'a', kind: 'numeric' },
        ],
      }),
    ).toBe("feature 'a' is listed twice");
  });
});

describe('stampMetadata', () => {
  it("sets the spec in the model's metadata_props, keeps the rest, and onnxruntime runs the result", async () => {
    const original = packedModel();
    const stamped = stampMetadata(
      original,
      specMetadataProps(SPEC, { 'modelgate.trainer': 'python train.py' }),
    );
    const props = readOnnxMetadata(stamped);
    expect(props['producer.note']).toBe('kept');
    expect(props['modelgate.trainer']).toBe('python train.py');
    expect(JSON.parse(props['modelgate.classes'] ?? '')).toEqual(CLASSES);
    // Stamping again replaces, never duplicates.
    const again = stampMetadata(stamped, specMetadataProps({ ...SPEC, target: 'kind' }));
    expect(readOnnxMetadata(again)['modelgate.target']).toBe('kind');
    expect(again.length).toBe(stamped.length - 'species'.length + 'kind'.length);
    const session = await createSession(again);
    expect(readSignature(session).inputs.map((i) => i.name)).toEqual(['input']);
    await session.release();
    await expectUserError(
      () => stampMetadata(new Uint8Array([0x0a, 0xff]), {}, 'x.onnx'),
      /^x\.onnx: not a valid ONNX model/,
    );
  });
});

describe('the spec resolver', () => {
  it('reads the spec from the ONNX metadata first, then the metadata.json beside model.onnx', async () => {
    const stamped = stampMetadata(packedModel(), specMetadataProps(SPEC));
    const fromProps = await readModelPath(await modelDir('stamped', stamped), '--model');
    expect(recordedSpec(fromProps)).toEqual({ spec: SPEC, source: 'onnx-metadata' });

    const training = await modelDir('training-output', packedModel(), { spec: SPEC });
    const resolved = await resolveModel(training, { registry: tmp.path('none') });
    expect(resolved).toMatchObject({
      spec: SPEC,
      source: 'metadata.json',
      label: join(training, 'model.onnx'),
    });
    // The same file by its path finds the same record.
    expect((await resolveModel(join(training, 'model.onnx'), { registry: 'x' })).source).toBe(
      'metadata.json',
    );

    const registryShaped = await modelDir('registry-shaped', packedModel(), { training: { spec: SPEC } });
    expect(recordedSpec(await readModelPath(registryShaped, '-m'))?.spec).toEqual(SPEC);
  });

  it('takes a bare model described by flags, and says which flags when there are none', async () => {
    const dir = await modelDir('bare', packedModel());
    const file = await readModelPath(join(dir, 'model.onnx'), '--model');
    await expectUserError(
      modelSpecOf(file),
      /model\.onnx: the model records no spec \(no modelgate\.\* metadata in the ONNX file, no metadata\.json with a spec beside it\)\. Describe it with --spec <file> .*--features a,b,c with --classes x,y/,
    );
    const byFlags = await modelSpecOf(file, { features: FEATURES.join(','), classes: CLASSES.join(',') });
    expect(byFlags).toEqual({ spec: { ...SPEC, target: null }, source: 'flags' });
    await expectUserError(
      modelSpecOf(file, { classes: CLASSES.join(',') }),
      /one packed input, so the feature names are unknown: pass --features/,
    );
    const json = await modelSpecOf(file, { features: JSON.stringify(FEATURES), classes: '["no","yes"]' });
    expect(json.spec).toMatchObject({ task: 'binary', classes: ['no', 'yes'] });
    await expectUserError(
      modelSpecOf(file, { task: 'ranking', classes: 'a,b' }),
      /^--task ranking: expected/,
    );
    await expectUserError(
      modelSpecOf(file, { features: 'a,,b', classes: 'x,y' }),
      /^--features "a,,b": expected names/,
    );

    const columns = await readModelPath(await modelDir('columns', columnsModel()), '--model');
    const named = await modelSpecOf(columns, { classes: CLASSES.join(',') });
    expect(named.spec.features.map((f) => f.name)).toEqual(FEATURES);

    const specFile = await tmp.write(
      'spec.json',
      JSON.stringify({ task: 'multiclass', target: 'species', features: FEATURES, classes: CLASSES }),
    );
    expect((await modelSpecOf(file, { spec: specFile })).spec).toEqual(SPEC);
    await expectUserError(
      modelSpecOf(file, { spec: specFile, classes: 'a,b' }),
      /^--spec: give the spec file alone/,
    );
    const broken = await tmp.write(
      'broken-spec.json',
      JSON.stringify({ task: 'multiclass', features: FEATURES }),
    );
    await expectUserError(
      modelSpecOf(file, { spec: broken }),
      /broken-spec\.json: a classifier needs classes/,
    );
  });

  it('refuses an unreadable record instead of guessing', async () => {
    const dir = await modelDir('bad-record', packedModel(), { spec: { task: 'multiclass', features: [] } });
    await expectUserError(
      resolveModel(dir, { registry: 'x' }),
      /the spec in the metadata\.json beside it is unreadable: features is not a non-empty list/,
    );
    const notJson = await modelDir('not-json', packedModel());
    await writeFile(join(notJson, 'metadata.json'), '{');
    await expectUserError(readModelPath(notJson, '--model'), /metadata\.json: not valid JSON/);
  });

  it('loads a registered version by reference or by path only when its sha256 matches', async () => {
    const repo = await sandbox.repo();
    const registry = join(repo, 'registry');
    const source = await modelDir('to-register', stampMetadata(packedModel(), specMetadataProps(SPEC)), {
      spec: SPEC,
      task: SPEC.task,
      target: SPEC.target,
      classes: CLASSES,
    });
    await registerVersion({ registryDir: registry, name: 'penguins', model: source });
    const byRef = await resolveModel('penguins@v1', { registry });
    expect(byRef).toMatchObject({
      label: 'penguins@v1',
      spec: SPEC,
      registry: { name: 'penguins', version: 'v1' },
    });
    const versionDir = join(registry, 'penguins/versions/v1');
    expect((await resolveModel(versionDir, { registry })).sha256).toBe(byRef.sha256);

    await writeFile(join(versionDir, 'model.onnx'), stampMetadata(byRef.bytes, { extra: 'changed' }));
    await expectUserError(resolveModel('penguins@v1', { registry }), /refusing to load penguins v1: sha256/);
    // By path, a version inside a registry is checked as its reference is.
    await expectUserError(
      resolveModel(versionDir, { registry }),
      /model\.onnx: refusing to load penguins v1: sha256 [0-9a-f]{64} does not match/,
    );
    await expectUserError(
      resolveModel(join(versionDir, 'model.onnx'), { registry }),
      /refusing to load penguins v1: sha256/,
    );
    await expectUserError(openModel('nope@v1', { registry }), /nope/);
    await expectUserError(
      openModel('missing/model.onnx', { registry }),
      /^--model missing\/model\.onnx: no such file/,
    );
  });
});
