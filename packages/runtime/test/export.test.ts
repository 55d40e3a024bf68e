import { readdir, readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { packedClassifier } from '../../evaluate/test/penguin-models.js';
import {
  BUNDLE_FILES,
  checkQuantizedQuality,
  createSession,
  float16Bits,
  float16Value,
  ORT_WEB_FILES,
  quantizeModel,
  Tensor,
  type WebSchema,
  writeWebBundle,
} from '../src/index.js';
import { linearCsv, linearRegressor } from './web/linear-fixture.js';
import { recordedSpecOf } from './web/model-spec.js';
import { nodePredictions, type Penguins, trainPenguins } from './web/penguin-fixture.js';

const db = useDatabase();
const linearSpec = recordedSpecOf(linearRegressor());
const temp = useTempDir('export');
let penguins: Penguins;
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

beforeAll(async () => {
  penguins = await trainPenguins(db(), temp.path('train'));
});

describe('float16Bits', () => {
  it('rounds to the nearest half, ties to even, and saturates to infinity', () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(70000)).toBe(0x7c00);
    expect(float16Bits(2 ** -24)).toBe(0x0001);
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(float16Value(float16Bits(Number.NaN)))).toBe(true);
    for (const v of [0.1, -3.25, 1234.5, 6.1e-5]) {
      expect(Math.abs(float16Value(float16Bits(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
    }
  });
});

async function run(model: Uint8Array, feeds: Record<string, Tensor>): Promise<Float32Array> {
  const session = await createSession(model);
  try {
    const [output] = session.outputNames;
    return (await session.run(feeds))[output as string]?.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('quantizeModel', () => {
  const classes = ['a', 'b', 'c'];
  const width = 256;
  const packed = packedClassifier(width, classes);
  const x = new Tensor(
    'float32',
    Float32Array.from({ length: 4 * width }, (_, i) => Math.sin(i)),
    [4, width],
  );

  it.each([
    ['fp16', 0.55, 1e-3],
    ['int8', 0.35, 1e-2],
  ] as const)(
    'stores %s weights that onnxruntime-node runs, much smaller',
    async (mode, ratio, tolerance) => {
      const q = quantizeModel(packed, mode);
      expect(q.tensors).toEqual([{ name: 'w', elements: width * classes.length }]);
      expect(q.nothingToQuantize).toBeUndefined();
      expect(q.quantizedBytes).toBe(q.bytes.length);
      expect(q.quantizedBytes / q.originalBytes).toBeLessThan(ratio);
      const before = await run(packed, { x });
      const after = await run(q.bytes, { x });
      expect(after).toHaveLength(before.length);
      after.forEach((p, i) => {
        expect(Math.abs(p - (before[i] as number))).toBeLessThan(tolerance);
      });
    },
  );

  it('shrinks the penguins logistic model (fp16, double weights) and it still runs', async () => {
    const q = quantizeModel(penguins.models.logistic, 'fp16');
    expect(q.tensors.length).toBeGreaterThan(0);
    expect(q.quantizedBytes).toBeLessThan(q.originalBytes);
    const before = await nodePredictions(db(), penguins.models.logistic, penguins.spec, penguins.holdout);
    const after = await nodePredictions(db(), q.bytes, penguins.spec, penguins.holdout);
    let delta = 0;
    before.probabilities?.forEach((p, i) => {
      delta = Math.max(delta, Math.abs(p - (after.probabilities?.[i] ?? Number.NaN)));
    });
    expect(delta).toBeGreaterThan(0);
    expect(delta).toBeLessThan(0.01);
  });

  it('leaves weights too small to pay for a DequantizeLinear node alone', () => {
    const q = quantizeModel(penguins.models.logistic, 'int8');
    expect(q.tensors).toEqual([]);
    expect(q.nothingToQuantize).toBe(
      'the model has no float weights feeding MatMul/Gemm/Conv/Add/Gather large enough for int8 to make it smaller',
    );
  });

  it('says a tree ensemble has nothing to quantize and leaves it as it was', () => {
    for (const mode of ['fp16', 'int8'] as const) {
      const q = quantizeModel(penguins.models.gbdt, mode);
      expect(q.tensors).toEqual([]);
      expect(q.bytes).toBe(penguins.models.gbdt);
      expect(q.nothingToQuantize).toMatch(
        /tree ensemble: its thresholds and leaf values are node attributes/,
      );
    }
  });

  it('refuses bytes that are not ONNX with the label', async () => {
    await expectUserError(
      () => quantizeModel(new TextEncoder().encode('hello'), 'fp16', 'x.onnx'),
      /^x\.onnx: not a valid ONNX model/,
    );
  });
});

describe('checkQuantizedQuality', () => {
  let holdout: string;
  beforeAll(async () => {
    holdout = await temp.write('linear.csv', linearCsv());
  });

  it('scores a classifier on accuracy and passes a harmless quantization', async () => {
    const q = quantizeModel(penguins.models.logistic, 'fp16');
    const check = await checkQuantizedQuality(db(), penguins.models.logistic, q.bytes, {
      holdout: penguins.holdout,
      spec: penguins.spec,
    });
    expect(check).toMatchObject({ metric: 'accuracy', tolerance: 0.01, passed: true });
    expect(check.rows).toBe(penguins.rows.filter((r) => r.Species !== null).length);
    expect(check.original).toBeGreaterThan(0.9);
    expect(check.drop).toBeLessThanOrEqual(0.01);
  });

  it('fails a regressor whose RMSE grows more than the tolerance, and passes it with a looser one', async () => {
    const model = linearRegressor();
    const q = quantizeModel(model, 'int8');
    expect(q.tensors).toHaveLength(1);
    const strict = await checkQuantizedQuality(db(), model, q.bytes, {
      holdout,
      spec: linearSpec,
      tolerance: 1e-6,
    });
    expect(strict.metric).toBe('rmse');
    expect(strict.original).toBeLessThan(0.02);
    expect(strict.quantized).toBeGreaterThan(strict.original);
    expect(strict.maxDelta).toBeGreaterThan(0);
    expect(strict.passed).toBe(false);
    const loose = await checkQuantizedQuality(db(), model, q.bytes, {
      holdout,
      spec: linearSpec,
      tolerance: strict.drop * 2,
    });
    expect(loose.passed).toBe(true);
  });

  it('names a holdout without the model columns', async () => {
    const bad = await temp.write('bad.csv', 'a,b\n1,2\n');
    await expectUserError(
      checkQuantizedQuality(db(), linearRegressor(), linearRegressor(), { holdout: bad, spec: linearSpec }),
      /^--holdout .*bad\.csv: no column 'x0', 'x1'/,
    );
  });
});

describe('writeWebBundle', () => {
  it('writes the model, schema, module, page and only the WASM runtime files it needs', async () => {
    const out = temp.path('bundle');
    const bundle = await writeWebBundle({
      model: penguins.models.logistic,
      spec: penguins.spec,
      out,
      label: temp.path('penguins', 'model.onnx'),
      title: 'penguins',
    });
    const names = Object.values(BUNDLE_FILES);
    expect((await readdir(out)).sort()).toEqual([...names, ...ORT_WEB_FILES].sort());
    expect(bundle.files.map((f) => f.name).sort()).toEqual([...names, ...ORT_WEB_FILES].sort());
    expect(sameBytes(await readFile(temp.path('bundle', 'model.onnx')), penguins.models.logistic)).toBe(true);
    const schema = JSON.parse(await readFile(temp.path('bundle', 'schema.json'), 'utf8')) as WebSchema;
    expect(schema).toEqual(bundle.schema);
    expect(schema).toMatchObject({
      task: 'multiclass',
      target: 'Species',
      classes: penguins.classes,
      title: 'penguins',
    });
    expect(schema.features.find((f) => f.name === 'Island')).toEqual({
      name: 'Island',
      kind: 'categorical',
      type: 'string',
      categories: ['Biscoe', 'Dream', 'Torgersen'],
    });
    expect(schema.features.find((f) => f.name === 'Body Mass (g)')).toEqual({
      name: 'Body Mass (g)',
      kind: 'numeric',
      type: 'float32',
    });
    expect(schema.inputs.mode).toBe('columns');
    expect(schema.outputs).toEqual({ probabilities: 'probabilities', label: 'label' });
    const html = await readFile(temp.path('bundle', 'index.html'), 'utf8');
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'self';`);
    expect(html).toContain('<title>penguins</title>');
    expect(html).not.toContain(temp.dir);
    const js = await readFile(temp.path('bundle', 'modelgate-model.js'), 'utf8');
    expect(js).toContain("import * as ort from './ort.wasm.min.mjs'");
    expect(js).toContain('ort.env.wasm.numThreads = 1');
    for (const text of [html, js, await readFile(temp.path('bundle', 'app.js'), 'utf8')]) {
      expect(text).not.toMatch(/https?:\/\//);
    }
  });

  it('refuses a non-empty directory unless forced, and leaves it as it was', async () => {
    const out = temp.path('busy');
    await writeWebBundle({ model: penguins.models.gbdt, spec: penguins.spec, out });
    await temp.write('busy/notes.txt', 'mine');
    await expectUserError(
      writeWebBundle({ model: penguins.models.logistic, spec: penguins.spec, out }),
      /^--out .*busy: the directory is not empty \(10 entries\); choose an empty one, or pass --force/,
    );
    expect(sameBytes(await readFile(temp.path('busy', 'model.onnx')), penguins.models.gbdt)).toBe(true);
    const forced = await writeWebBundle({
      model: penguins.models.logistic,
      spec: penguins.spec,
      out,
      force: true,
    });
    expect(forced.replaced).toContain('model.onnx');
    expect(sameBytes(await readFile(temp.path('busy', 'model.onnx')), penguins.models.logistic)).toBe(true);
    expect(await readFile(temp.path('busy', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a model that is not ONNX and writes nothing', async () => {
    const out = temp.path('never');
    await expectUserError(
      writeWebBundle({
        model: new TextEncoder().encode('nope'),
        spec: penguins.spec,
        out,
        label: 'nope.onnx',
      }),
      /^nope\.onnx: not a valid ONNX model/,
    );
    await expect(readdir(out)).rejects.toThrow();
  });
});
