import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { NumericColumn } from '@modelgate/core';
import {
  type ColumnPredictions,
  createSession,
  readOnnxMetadata,
  readSignature,
  runOnColumns,
} from '@modelgate/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { checkComposition, composeEncodedModel, PREPROCESS_METADATA_KEY } from '../src/compose/index.js';
import { type PreparedProblem, prepareProblem } from '../src/data/index.js';
import { onnx } from '../src/onnx/index.js';
import {
  DEFAULT_ENCODING,
  type Encoding,
  encodedColumns,
  encodeSet,
  type FeatureMap,
  fitEncoding,
  writeEncodedSplits,
} from '../src/preprocess/index.js';
import type { ProblemSpec, TrainingSet } from '../src/types.js';
import { penguinsProblem, type UserModelOptions, userModel } from './encoded-fixtures.js';
import { configFor } from './train-fixtures.js';

const db = useDatabase();
const temp = useTempDir('compose-encoded');

let penguins: PreparedProblem;
let encoding: Encoding;
beforeAll(async () => {
  penguins = await penguinsProblem(db(), temp.path('splits'));
  encoding = fitEncoding(penguins.spec, penguins.sets.train, new Set(), {
    categorical: 'onehot',
    numeric: 'standardize',
  });
});

/** The encoded matrix of a set as numeric columns: how runOnColumns feeds the user's packed model. */
function encodedInput(spec: ProblemSpec, set: TrainingSet, enc: Encoding) {
  const names = encodedColumns(enc, spec).map((c) => c.name);
  const matrix = encodeSet(enc, spec.features, set);
  const features = names.map(
    (name, j): NumericColumn => ({
      kind: 'numeric',
      name,
      values: Float64Array.from({ length: set.rows }, (_, i) => matrix[i * enc.width + j] as number),
      valid: new Uint8Array(set.rows).fill(1),
    }),
  );
  return {
    spec: { ...spec, features: names.map((name) => ({ name, kind: 'numeric' as const })) },
    set: { rows: set.rows, target: set.target, features },
  };
}

async function predict(model: Uint8Array, spec: ProblemSpec, set: TrainingSet): Promise<ColumnPredictions> {
  const session = await createSession(model, { intraOpNumThreads: 1 });
  try {
    return await runOnColumns(session, spec, set);
  } finally {
    await session.release();
  }
}

/** The composed model on raw rows against the user's model on the encoded rows: every split. */
async function expectSameOutputs(user: Uint8Array, composed: Uint8Array, enc = encoding): Promise<void> {
  const { spec, sets } = penguins;
  for (const set of Object.values(sets)) {
    const encoded = encodedInput(spec, set, enc);
    const direct = await predict(user, encoded.spec, encoded.set);
    const raw = await predict(composed, spec, set);
    expect(raw.label).toEqual(direct.label);
    const gap = Array.from(raw.probabilities ?? []).reduce(
      (m, p, i) => Math.max(m, Math.abs(p - (direct.probabilities?.[i] ?? Number.NaN))),
      0,
    );
    expect(gap).toBeLessThanOrEqual(1e-6);
  }
}

const base = (): UserModelOptions => ({ width: encoding.width, classes: 3 });

describe('composing the encoding in front of a model of the encoded matrix', () => {
  it('takes the raw columns like a built-in model and gives the model outputs on the encoded rows', async () => {
    const user = userModel(base());
    const composed = composeEncodedModel(user, encoding, penguins.spec);
    await expectSameOutputs(user, composed);
    const session = await createSession(composed);
    const signature = readSignature(session);
    await session.release();
    expect(signature.inputs.map((i) => [i.name, i.type, i.shape])).toEqual(
      penguins.spec.features.map((f) => [f.name, f.kind === 'numeric' ? 'float32' : 'string', [-1, 1]]),
    );
    expect(signature.outputs.map((o) => o.name)).toEqual(['probabilities', 'label']);
  });

  it("keeps the model's bytes, IR version, opsets and metadata; adds ai.onnx.ml and modelgate.preprocess", () => {
    const user = userModel(base());
    const composed = composeEncodedModel(user, encoding, penguins.spec);
    const before = onnx.ModelProto.decode(user);
    const after = onnx.ModelProto.decode(composed);
    expect(Number(after.irVersion)).toBe(7);
    expect(after.producerName).toBe('pytorch');
    expect(after.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 13],
      ['ai.onnx.ml', 2],
    ]);
    const weights = (m: typeof before) =>
      m.graph?.initializer
        ?.filter((t) => t.name?.startsWith('fc'))
        .map((t) => [t.name, Buffer.from(t.rawData ?? []).toString('hex')]);
    expect(weights(after)).toEqual(weights(before));
    // The model's nodes come after the encoding's, unchanged and in order.
    const userNodes = before.graph?.node ?? [];
    expect(after.graph?.node?.slice(-userNodes.length)).toEqual(userNodes);
    expect(after.graph?.valueInfo?.map((v) => v.name)).toContain('input');
    const metadata = readOnnxMetadata(composed);
    expect(metadata['user.note']).toBe('trained by hand');
    expect(JSON.parse(metadata[PREPROCESS_METADATA_KEY] ?? '{}')).toEqual({
      encoding: { categorical: 'onehot', numeric: 'standardize' },
      width: encoding.width,
      input: 'input',
    });
  });

  it('an ai.onnx opset of 9 or later is kept; a model already importing ai.onnx.ml keeps its version', async () => {
    const user = userModel({ ...base(), opsets: { '': 11, 'ai.onnx.ml': 3 }, irVersion: 8 });
    const composed = composeEncodedModel(user, encoding, penguins.spec);
    const after = onnx.ModelProto.decode(composed);
    expect(after.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 11],
      ['ai.onnx.ml', 3],
    ]);
    expect(Number(after.irVersion)).toBe(8);
    await expectSameOutputs(user, composed);
  });

  it('renames a tensor of the model that has the name of a feature (the packed input too)', async () => {
    const user = userModel({ ...base(), input: 'Island', hiddenName: 'Sex' });
    const composed = composeEncodedModel(user, encoding, penguins.spec);
    await expectSameOutputs(user, composed);
    const metadata = JSON.parse(readOnnxMetadata(composed)[PREPROCESS_METADATA_KEY] ?? '{}');
    expect(metadata.renamed).toEqual({ Island: 'Island_model', Sex: 'Sex_model' });
  });

  it('a float64 input gets the encoded matrix cast to double', async () => {
    const user = userModel({ ...base(), dtype: 'double' });
    await expectSameOutputs(user, composeEncodedModel(user, encoding, penguins.spec));
  });

  it('ordinal and impute-only encodings compose too', async () => {
    const ordinal = fitEncoding(penguins.spec, penguins.sets.train, new Set(), {
      categorical: 'ordinal',
      numeric: 'impute',
    });
    const user = userModel({ width: ordinal.width, classes: 3, seed: 9 });
    await expectSameOutputs(user, composeEncodedModel(user, ordinal, penguins.spec), ordinal);
  });

  it('a regressor: the encoded files carry the target value, the composed model gives its prediction', async () => {
    const problem = await prepareProblem(
      db(),
      configFor('regression', 'split: { validation: 0.2, test: 0.2, seed: 20 }\n', 'Body Mass (g)'),
      { data: { path: dataset('penguins.json') }, out: temp.path('splits-regression') },
    );
    const written = await writeEncodedSplits(
      db(),
      problem,
      DEFAULT_ENCODING,
      temp.path('encoded-regression'),
    );
    const map = JSON.parse(await readFile(written.featureMap, 'utf8')) as FeatureMap;
    expect(map.target).toEqual({ name: 'Body Mass (g)', encoding: 'value' });
    const types = await db().rows(`DESCRIBE SELECT * FROM read_parquet('${written.parquet.train}')`);
    expect(types.at(-1)).toMatchObject({ column_name: 'Body Mass (g)', column_type: 'DOUBLE' });
    const user = userModel({ width: written.encoding.width, classes: 1, regression: true });
    const composed = composeEncodedModel(user, written.encoding, problem.spec);
    const test = problem.sets.test;
    const encoded = encodedInput(problem.spec, test, written.encoding);
    const direct = await predict(user, encoded.spec, encoded.set);
    const raw = await predict(composed, problem.spec, test);
    expect(raw.prediction?.length).toBe(test.rows);
    expect(Array.from(raw.prediction ?? [])).toEqual(Array.from(direct.prediction ?? []));
    await checkComposition({
      model: user,
      composed,
      encoding: written.encoding,
      columns: written.columns,
      spec: problem.spec,
      set: problem.sets.validation,
      label: 'regression.onnx',
    });
  });

  it('a model torch.onnx.export wrote composes behind an encoding of its width', async () => {
    // packed-probabilities.onnx takes the four measurements [N,4]: an impute-only encoding of rows
    // that have them all is four columns, in that order.
    const file = fileURLToPath(
      new URL('../../runtime/test/fixtures/byo/packed-probabilities.onnx', import.meta.url),
    );
    const torch = new Uint8Array(await readFile(file));
    const measurements = penguins.spec.features.filter((f) => f.kind === 'numeric');
    const spec: ProblemSpec = { ...penguins.spec, features: measurements };
    const keep = (set: TrainingSet): TrainingSet => {
      const columns = set.features.filter((c) =>
        measurements.some((f) => f.name === c.name),
      ) as NumericColumn[];
      const rows = Array.from({ length: set.rows }, (_, i) => i).filter((i) =>
        columns.every((c) => c.valid[i]),
      );
      return {
        rows: rows.length,
        target: Int32Array.from(rows, (i) => set.target[i] as number),
        features: columns.map((c) => ({
          ...c,
          values: Float64Array.from(rows, (i) => c.values[i] as number),
          valid: new Uint8Array(rows.length).fill(1),
        })),
      };
    };
    const train = keep(penguins.sets.train);
    const impute = fitEncoding(spec, train, new Set(), { categorical: 'onehot', numeric: 'impute' });
    expect(impute.width).toBe(4);
    const composed = composeEncodedModel(torch, impute, spec);
    expect(Number(onnx.ModelProto.decode(composed).irVersion)).toBe(
      Number(onnx.ModelProto.decode(torch).irVersion),
    );
    const test = keep(penguins.sets.test);
    const encoded = encodedInput(spec, test, impute);
    const direct = await predict(torch, encoded.spec, encoded.set);
    const raw = await predict(composed, spec, test);
    expect(raw.label).toEqual(direct.label);
    expect(Array.from(raw.probabilities ?? [])).toEqual(Array.from(direct.probabilities ?? []));
  });
});

describe('a model the encoding cannot go in front of: one line naming the tensor', () => {
  const refuse = async (options: Partial<UserModelOptions>, pattern: RegExp) => {
    const user = userModel({ ...base(), ...options });
    const message = await expectUserError(
      () => composeEncodedModel(user, encoding, penguins.spec, 'm.onnx'),
      pattern,
    );
    expect(message.split('\n')).toHaveLength(1);
  };

  it('an input narrower or wider than the feature map', async () => {
    await refuse(
      { width: encoding.width - 1 },
      new RegExp(
        `^m\\.onnx: input 'input' is \\[batch, ${encoding.width - 1}\\], ${encoding.width - 1} columns, but \\$MODELGATE_FEATURE_MAP has ${encoding.width}`,
      ),
    );
    await refuse(
      { width: encoding.width + 2 },
      /input 'input' is \[batch, 18\], 18 columns, but \$MODELGATE_FEATURE_MAP has 16/,
    );
  });

  it('an opset of a domain the encoding needs that is older than its ops', async () => {
    await refuse(
      { opsets: { '': 8 } },
      /^m\.onnx: imports opset 8 of ai\.onnx \(the default domain\); the preprocessing composed in front of it needs 9 or later/,
    );
    await refuse(
      { opsets: { 'ai.onnx.ml': 1 } },
      /^m\.onnx: imports opset 1 of ai\.onnx\.ml; .* needs 2 or later/,
    );
  });

  it('a model output with the name of a feature', async () => {
    const user = userModel(base());
    const spec: ProblemSpec = {
      ...penguins.spec,
      features: penguins.spec.features.map((f) => (f.name === 'Sex' ? { ...f, name: 'label' } : f)),
    };
    await expectUserError(
      () => composeEncodedModel(user, encoding, spec, 'm.onnx'),
      /^m\.onnx: output 'label' has the name of feature 'label'/,
    );
  });

  it('an input of another type, or not one input', async () => {
    const bad = onnx.ModelProto.decode(userModel(base()));
    const input = bad.graph?.input?.[0];
    if (input?.type?.tensorType) input.type.tensorType.elemType = 7;
    await expectUserError(
      () => composeEncodedModel(onnx.ModelProto.encode(bad).finish(), encoding, penguins.spec, 'm.onnx'),
      /^m\.onnx: input 'input' is int64; expected one float32 input \[N, 16\]/,
    );
    bad.graph?.input?.push({ ...input, name: 'second' });
    await expectUserError(
      () => composeEncodedModel(onnx.ModelProto.encode(bad).finish(), encoding, penguins.spec, 'm.onnx'),
      /^m\.onnx: has inputs 'input', 'second'; with preprocess: encoded a model takes one float32 input/,
    );
    await expectUserError(
      () => composeEncodedModel(Uint8Array.of(1, 2, 3), encoding, penguins.spec, 'm.onnx'),
      /^m\.onnx: not a valid ONNX model/,
    );
  });

  it('a dynamic width that does not fit fails the check on the encoded rows', async () => {
    const user = userModel({ ...base(), width: encoding.width - 1, declaredWidth: 'features' });
    const composed = composeEncodedModel(user, encoding, penguins.spec, 'm.onnx');
    await expectUserError(
      checkComposition({
        model: user,
        composed,
        encoding,
        columns: encodedColumns(encoding, penguins.spec).map((c) => c.name),
        spec: penguins.spec,
        set: penguins.sets.validation,
        label: 'm.onnx',
      }),
      /^m\.onnx fails on the encoded validation rows \(float32 \[\d+, 16\], the columns of \$MODELGATE_FEATURE_MAP\)/,
    );
  });
});
