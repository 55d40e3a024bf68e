import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attr, OnnxGraph } from '@modelgate/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, useTempDir } from '../../core/test/fixtures.js';
import { type PredictionLogEntry, startServer } from '../src/index.js';
import {
  type ByoFixtures,
  type ByoName,
  byoBytes,
  byoFixtures,
  byoSpec,
  column,
  stampedCopy,
} from './byo-fixtures.js';
import { type InferInput, type Json, json, post, useServer } from './server-fixture.js';

const temp = useTempDir('serve-byo');
let fixtures: ByoFixtures;
const logged: PredictionLogEntry[] = [];
const NAMES: ByoName[] = [
  'packed-probabilities',
  'packed-label-int',
  'columns-label-int',
  'binary-positive',
  'regression-variable',
];

/** A packed model whose integer label is the argmax of its 4 input columns: index 3 is past the 3 classes. */
function labelPastTheClasses(): Uint8Array {
  const g = new OnnxGraph('label-past-the-classes');
  const x = g.input('input', { dtype: 'float', shape: ['N', 4] });
  const index = g.node('ArgMax', [x], { axis: attr.int(1), keepdims: attr.int(0) });
  g.output(index, 'label', { dtype: 'int64', shape: ['N'] });
  return g.toBytes();
}

/**
 * A packed 3-class softmax over 4 inputs with no missing-value handling (a NaN input gives NaN
 * probabilities), or with `weight` 0 one whose probabilities are 0/0 = NaN for every row.
 */
function softmaxModel(weight: number): Uint8Array {
  const g = new OnnxGraph('softmax');
  const x = g.input('input', { dtype: 'float', shape: ['N', 4] });
  const logits = g.node('MatMul', [x, g.initializer('w', new Float32Array(12).fill(weight), [4, 3])]);
  const probabilities =
    weight === 0 ? g.node('Div', [logits, logits]) : g.node('Softmax', [logits], { axis: attr.int(1) });
  g.output(probabilities, 'probabilities', { dtype: 'float', shape: ['N', 3] });
  return g.toBytes();
}

beforeAll(async () => {
  fixtures = await byoFixtures();
  for (const name of NAMES) await stampedCopy(temp.path('models'), name, fixtures.models[name]);
  // A training output: model.onnx with the spec in the metadata.json beside it, served under the directory's name.
  const out = temp.path('trained-packed');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'model.onnx'), await byoBytes('packed-label-int'));
  await writeFile(
    join(out, 'metadata.json'),
    JSON.stringify({ spec: byoSpec(fixtures.models['packed-label-int']) }),
  );
  for (const [name, weight] of [
    ['no-imputation', 0.01],
    ['nan', 0],
  ] as const) {
    await mkdir(temp.path(name), { recursive: true });
    await writeFile(temp.path(name, 'model.onnx'), softmaxModel(weight));
    await writeFile(
      temp.path(name, 'metadata.json'),
      JSON.stringify({ spec: byoSpec(fixtures.models['packed-probabilities']) }),
    );
  }
  const past = temp.path('past');
  await mkdir(past, { recursive: true });
  await writeFile(join(past, 'model.onnx'), labelPastTheClasses());
  await writeFile(
    join(past, 'metadata.json'),
    JSON.stringify({ spec: byoSpec(fixtures.models['packed-label-int']) }),
  );
});

const server = useServer(() => ({
  models: [
    ...NAMES.map((name) => temp.path('models', `${name}.onnx`)),
    temp.path('trained-packed'),
    temp.path('past'),
    temp.path('no-imputation'),
    temp.path('nan'),
  ],
  port: 0,
  workers: 1,
  predictionLog: { record: (entry) => logged.push(entry), close: async () => {} },
}));

const url = (path: string) => `${server().url}${path}`;
const rows = () => fixtures.rows;
const features = (name: ByoName) => fixtures.models[name].features;

function packedInput(name: ByoName): InferInput {
  const names = features(name);
  return {
    name: 'input',
    datatype: 'FP32',
    shape: [rows().length, names.length],
    data: rows().flatMap((r) => names.map((f) => (r[f] as number | null) ?? null)),
  };
}

function featureInputs(name: ByoName, datatype = 'FP32'): InferInput[] {
  return features(name).map((f) => ({
    name: f,
    datatype,
    shape: [rows().length, 1],
    data: column(rows(), f),
  }));
}

async function infer(model: string, inputs: InferInput[], extra: Record<string, unknown> = {}) {
  const response = await post(url(`/v2/models/${model}/infer`), { ...extra, inputs });
  const body = await json(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body;
}

function output(body: Json, name: string) {
  return body.outputs.find((o: { name: string }) => o.name === name);
}

function expectClose(actual: number[], expected: number[], tolerance: number) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(Math.abs(v - (expected[i] as number)), `element ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(
      tolerance,
    );
  });
}

describe('a packed [N, F] model with a spec', () => {
  it('lists the per-feature inputs, the outputs as served and the spec in its metadata', async () => {
    const meta = await json(await fetch(url('/v2/models/packed-probabilities')));
    expect(meta.inputs).toEqual([
      { name: 'input', datatype: 'FP32', shape: [-1, 4] },
      ...features('packed-probabilities').map((name) => ({ name, datatype: 'FP32', shape: [-1, 1] })),
    ]);
    expect(meta.outputs).toEqual([
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      { name: 'label', datatype: 'BYTES', shape: [-1] },
    ]);
    expect(meta.parameters).toMatchObject({
      task: 'multiclass',
      target: 'Species',
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
      features: features('packed-probabilities').map((name) => ({ name, kind: 'numeric' })),
      spec_source: 'onnx-metadata',
      packed_input: 'input',
    });
    const intLabel = await json(await fetch(url('/v2/models/packed-label-int')));
    expect(intLabel.outputs).toEqual([
      { name: 'label', datatype: 'BYTES', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
    ]);
    expect((await json(await fetch(url('/v2/models/trained-packed')))).parameters.spec_source).toBe(
      'metadata.json',
    );
  });

  it("answers per-feature inputs as the raw tensor, with torch's probabilities and a derived label", async () => {
    const expected = fixtures.models['packed-probabilities'];
    const raw = await infer('packed-probabilities', [packedInput('packed-probabilities')]);
    const named = await infer('packed-probabilities', featureInputs('packed-probabilities'));
    expect(named.outputs).toEqual(raw.outputs);
    const probabilities = output(named, 'probabilities');
    expect(probabilities).toMatchObject({ datatype: 'FP32', shape: [rows().length, 3] });
    expectClose(probabilities.data, (expected.probabilities as number[][]).flat(), 1e-5);
    expect(output(named, 'label')).toEqual({
      name: 'label',
      datatype: 'BYTES',
      shape: [rows().length],
      data: expected.labels,
    });
    const onlyLabel = await infer('packed-probabilities', featureInputs('packed-probabilities'), {
      outputs: [{ name: 'label' }],
    });
    expect(onlyLabel.outputs).toEqual([output(named, 'label')]);
  });

  it('takes flat [N] feature columns, FP64, nested data and binary tensor data alike', async () => {
    const reference = await infer('packed-probabilities', featureInputs('packed-probabilities'));
    const mixed = featureInputs('packed-probabilities').map((input, i) => {
      if (i === 0) return { ...input, shape: [rows().length] };
      if (i === 1) return { ...input, datatype: 'FP64' };
      if (i === 2) return { ...input, data: (input.data as unknown[]).map((v) => [v]) };
      return input;
    });
    const [last] = mixed.splice(3, 1) as [InferInput];
    const bytes = Buffer.from(
      Float32Array.from(last.data as (number | null)[], (v) => v ?? Number.NaN).buffer,
    );
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          ...mixed,
          {
            name: last.name,
            datatype: 'FP32',
            shape: last.shape,
            parameters: { binary_data_size: bytes.length },
          },
        ],
      }),
    );
    const response = await post(
      url('/v2/models/packed-probabilities/infer'),
      Buffer.concat([header, bytes]),
      {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(header.length),
      },
    );
    expect(response.status).toBe(200);
    expect((await json(response)).outputs).toEqual(reference.outputs);
  });

  it('serves integer labels as class names, from a file or a training output directory', async () => {
    const expected = fixtures.models['packed-label-int'];
    for (const model of ['packed-label-int', 'trained-packed']) {
      const body = await infer(model, featureInputs('packed-label-int'));
      expect(output(body, 'label')).toEqual({
        name: 'label',
        datatype: 'BYTES',
        shape: [rows().length],
        data: expected.labels,
      });
      expectClose(output(body, 'probabilities').data, (expected.probabilities as number[][]).flat(), 1e-5);
    }
  });

  it('answers a binary P(positive) model with its probabilities as they are and a derived label', async () => {
    const expected = fixtures.models['binary-positive'];
    const body = await infer('binary-positive', featureInputs('binary-positive'));
    const probabilities = output(body, 'probabilities');
    expect(probabilities.shape).toEqual([rows().length]);
    expectClose(probabilities.data, expected.probabilities as number[], 1e-5);
    expect(output(body, 'label').data).toEqual(expected.labels);
  });

  it('answers a regression model by feature names, within float precision of torch', async () => {
    const expected = fixtures.models['regression-variable'];
    const body = await infer('regression-variable', featureInputs('regression-variable'));
    const variable = output(body, 'variable');
    expect(variable).toMatchObject({ datatype: 'FP32', shape: [rows().length, 1] });
    (variable.data as number[]).forEach((v, i) => {
      const want = expected.predictions?.[i] as number;
      expect(Math.abs(v - want) / Math.abs(want)).toBeLessThan(1e-6);
    });
    expect(body.outputs.map((o: { name: string }) => o.name)).toEqual(['variable']);
  });
});

describe('a per-column model with integer labels', () => {
  it('takes one input per feature as before and answers class names', async () => {
    const body = await infer('columns-label-int', featureInputs('columns-label-int'));
    expect(body.outputs).toEqual([
      {
        name: 'label',
        datatype: 'BYTES',
        shape: [rows().length],
        data: fixtures.models['columns-label-int'].labels,
      },
    ]);
    const meta = await json(await fetch(url('/v2/models/columns-label-int')));
    expect(meta.inputs.map((i: { name: string }) => i.name)).toEqual(features('columns-label-int'));
    expect(meta.parameters.packed_input).toBeUndefined();
  });
});

describe('MLflow /invocations for a packed model', () => {
  it('scores dataframe_records, dataframe_split, instances, inputs and CSV by feature names', async () => {
    // /invocations scores the first --model: packed-probabilities.
    const expected = fixtures.models['packed-probabilities'];
    const names = expected.features;
    const records = rows().map((r) => Object.fromEntries(names.map((f) => [f, r[f] ?? null])));
    const csv = [
      names.map((f) => `"${f}"`).join(','),
      ...rows().map((r) => names.map((f) => String(r[f] ?? '')).join(',')),
    ].join('\n');
    const payloads: [unknown, string][] = [
      [{ dataframe_records: records }, 'application/json'],
      [
        { dataframe_split: { columns: names, data: rows().map((r) => names.map((f) => r[f] ?? null)) } },
        'application/json',
      ],
      [{ instances: records }, 'application/json'],
      [{ inputs: Object.fromEntries(names.map((f) => [f, column(rows(), f)])) }, 'application/json'],
      [csv, 'text/csv'],
      // The raw input name still works: one row of 4 values each.
      [{ inputs: { input: rows().map((r) => names.map((f) => r[f] ?? null)) } }, 'application/json'],
    ];
    for (const [payload, type] of payloads) {
      const response = await post(url('/invocations'), payload, { 'content-type': type });
      const body = await json(response);
      expect(response.status, JSON.stringify(body).slice(0, 200)).toBe(200);
      expect(body.predictions.map((p: { label: string }) => p.label)).toEqual(expected.labels);
      expectClose(
        body.predictions.flatMap((p: { probabilities: number[] }) => p.probabilities),
        (expected.probabilities as number[][]).flat(),
        1e-5,
      );
    }
  });

  it('refuses unknown and missing feature columns naming them and the expected features', async () => {
    const [first, second, third, fourth] = features('packed-probabilities') as [
      string,
      string,
      string,
      string,
    ];
    const row = { [first]: 39.1, [second]: 18.7, [third]: 181, [fourth]: 3750 };
    const cases: [unknown, RegExp][] = [
      [
        { dataframe_records: [{ ...row, [fourth]: undefined, Weight: 3750 }] },
        /^unknown column 'Weight'; the model takes one input per feature \('Beak Length \(mm\)', .*'Body Mass \(g\)'\) or the packed input 'input' \[N, 4\]$/,
      ],
      [
        { dataframe_split: { columns: [first, second, third], data: [[39.1, 18.7, 181]] } },
        /^missing column 'Body Mass \(g\)'; the model takes one input per feature/,
      ],
      [
        { dataframe_records: [{ ...row, [second]: 'deep' }] },
        /input 'Beak Depth \(mm\)': element 0 is 'deep', expected a number or null/,
      ],
      [{ dataframe_records: [{ ...row, input: [1, 2, 3, 4] }] }, /given with the packed input 'input'/],
    ];
    for (const [payload, message] of cases) {
      const response = await post(url('/invocations'), payload);
      expect(response.status).toBe(400);
      expect((await json(response)).error).toMatch(message);
    }
  });
});

describe('bad inputs for a packed model', () => {
  it('are 400 with one line naming the input and what was expected', async () => {
    const inputs = featureInputs('packed-probabilities');
    const [first] = features('packed-probabilities') as [string];
    const cases: [InferInput[], RegExp][] = [
      [
        inputs.slice(1),
        /^missing input 'Beak Length \(mm\)'; the model takes one input per feature \(.*\) or the packed input 'input' \[N, 4\]$/,
      ],
      [
        [...inputs, { name: 'Weight', datatype: 'FP32', shape: [20, 1], data: column(rows(), first) }],
        /^unknown input 'Weight'; the model's inputs are 'input'; it takes one input per feature/,
      ],
      [
        inputs.map((i, k) => (k === 0 ? { ...i, shape: [10, 2] } : i)),
        /^input 'Beak Length \(mm\)': shape \[10,2\], expected \[-1, 1\]$/,
      ],
      [
        inputs.map((i, k) => (k === 1 ? { ...i, shape: [19, 1], data: (i.data as unknown[]).slice(1) } : i)),
        /^input 'Beak Depth \(mm\)' has 19 rows, input 'Beak Length \(mm\)' has 20; every input needs the same number of rows$/,
      ],
      [
        inputs.map((i, k) => (k === 0 ? { ...i, datatype: 'BYTES' } : i)),
        /^input 'Beak Length \(mm\)': datatype BYTES, expected FP32 or FP64$/,
      ],
      [
        inputs.map((i, k) => (k === 0 ? { ...i, datatype: 'INT64' } : i)),
        /^input 'Beak Length \(mm\)': datatype INT64, expected FP32 or FP64$/,
      ],
      [
        [{ ...packedInput('packed-probabilities'), shape: [20, 3], data: [] }],
        /^input 'input': shape \[20,3\], expected \[-1, 4\]$/,
      ],
      [
        [packedInput('packed-probabilities'), inputs[0] as InferInput],
        /^input 'Beak Length \(mm\)' given with the packed input 'input'/,
      ],
    ];
    for (const [given, message] of cases) {
      const response = await post(url('/v2/models/packed-probabilities/infer'), { inputs: given });
      expect(response.status, message.source).toBe(400);
      const { error } = await json(response);
      expect(error).toMatch(message);
      expect(error).not.toContain('\n');
    }
  });

  it('an integer label past the classes is a 500 naming the model output', async () => {
    const response = await post(url('/v2/models/past/infer'), {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 4], data: [1, 0, 0, 0, 0, 0, 0, 9] }],
    });
    expect(response.status).toBe(500);
    expect((await json(response)).error).toBe(
      "model past v1: output 'label' gave 3 in row 1, expected a class index from 0 to 2 (classes: Adelie, Chinstrap, Gentoo)",
    );
  });
});

describe('non-finite probabilities', () => {
  it("for a row with a missing value are the request's 400, naming the row and the feature", async () => {
    const names = features('packed-probabilities');
    const measured = rows()
      .filter((r) => names.every((f) => typeof r[f] === 'number'))
      .slice(0, 2);
    const complete = names.map((name) => ({
      name,
      datatype: 'FP32',
      shape: [2, 1],
      data: column(measured, name),
    }));
    await infer('no-imputation', complete);
    const inputs = complete.map((input) =>
      input.name === 'Beak Depth (mm)' ? { ...input, data: [input.data[0] ?? 0, null] } : input,
    );
    const response = await post(url('/v2/models/no-imputation/infer'), { inputs });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe(
      "row 1: 'Beak Depth (mm)' is missing (null, or a category the model does not know), and model no-imputation v1 gives NaN probabilities for it; send a value, as this model does not score missing values",
    );
    // The torch fixture imputes inside its graph, so the same row is answered.
    await infer('packed-probabilities', inputs);
  });

  it("for a complete row are the model's 500, naming its output", async () => {
    const response = await post(url('/v2/models/nan/infer'), {
      inputs: [packedInput('packed-probabilities')],
    });
    expect(response.status).toBe(500);
    expect((await json(response)).error).toBe(
      "model nan v1: output 'probabilities' gave NaN in row 0, expected finite probabilities (the label is their argmax)",
    );
  });
});

describe('the prediction log of a packed model', () => {
  it('records one column per feature and class names', async () => {
    const some = rows().slice(0, 3);
    await infer(
      'packed-label-int',
      featureInputs('packed-label-int').map((i) => ({
        ...i,
        shape: [3, 1],
        data: (i.data as unknown[]).slice(0, 3),
      })),
      { id: 'byo-log' },
    );
    const entry = logged.find((e) => e.requestId === 'byo-log');
    expect(Object.keys(entry?.inputs ?? {})).toEqual(features('packed-label-int'));
    for (const f of features('packed-label-int')) {
      const got = Array.from(entry?.inputs[f] ?? []) as (number | null)[];
      got.forEach((v, i) => {
        const want = some[i]?.[f] as number | null;
        if (want === null) expect(v).toBeNull();
        else expect(v).toBeCloseTo(want, 3);
      });
    }
    expect(Array.from(entry?.outputs.label ?? [])).toEqual(
      fixtures.models['packed-label-int'].labels?.slice(0, 3),
    );
    expect(Object.keys(entry?.outputs ?? {}).sort()).toEqual([
      'label',
      'probability_Adelie',
      'probability_Chinstrap',
      'probability_Gentoo',
    ]);
  });

  it('records a binary P(positive) as both classes and the derived label', async () => {
    await infer('binary-positive', featureInputs('binary-positive'), { id: 'byo-binary' });
    const entry = logged.find((e) => e.requestId === 'byo-binary');
    const expected = fixtures.models['binary-positive'];
    expect(Array.from(entry?.outputs.label ?? [])).toEqual(expected.labels);
    expectClose(
      Array.from(entry?.outputs.probability_MALE as Float32Array),
      expected.probabilities as number[],
      1e-5,
    );
    expectClose(
      Array.from(entry?.outputs.probability_FEMALE as Float32Array),
      (expected.probabilities as number[]).map((p) => 1 - p),
      1e-5,
    );
  });
});

/** A packed regressor over [Island code, Beak Length]: 10 × code + length, so the packing shows in the answer. */
function codedRegressor(): Uint8Array {
  const g = new OnnxGraph('coded');
  const x = g.input('x', { dtype: 'float', shape: ['N', 2] });
  const weights = g.initializer('w', Float32Array.from([10, 1]), [2, 1]);
  g.output(g.node('MatMul', [x, weights]), 'prediction', { dtype: 'float', shape: ['N', 1] });
  return g.toBytes();
}

describe('a packed model with a categorical feature', () => {
  it('takes category names, packs their codes (unknown = NaN) and logs the names', async () => {
    const dir = temp.path('coded');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.onnx'), codedRegressor());
    const spec = {
      task: 'regression',
      target: 'Body Mass (g)',
      features: [
        { name: 'Island', kind: 'categorical', categories: ['Biscoe', 'Dream', 'Torgersen'] },
        { name: 'Beak Length (mm)', kind: 'numeric' },
      ],
    };
    await writeFile(join(dir, 'metadata.json'), JSON.stringify({ spec }));
    const entries: PredictionLogEntry[] = [];
    const coded = await startServer({
      models: [dir],
      port: 0,
      workers: 1,
      predictionLog: { record: (entry) => entries.push(entry), close: async () => {} },
    });
    try {
      const meta = await json(await fetch(`${coded.url}/v2/models/coded`));
      expect(meta.inputs).toEqual([
        { name: 'x', datatype: 'FP32', shape: [-1, 2] },
        { name: 'Island', datatype: 'BYTES', shape: [-1, 1] },
        { name: 'Beak Length (mm)', datatype: 'FP32', shape: [-1, 1] },
      ]);
      const response = await post(`${coded.url}/v2/models/coded/infer`, {
        id: 'coded',
        inputs: [
          { name: 'Island', datatype: 'BYTES', shape: [3], data: ['Dream', 'Torgersen', 'Atlantis'] },
          { name: 'Beak Length (mm)', datatype: 'FP64', shape: [3], data: [40, 41, 42] },
        ],
      });
      expect((await json(response)).outputs[0].data).toEqual([50, 61, null]);
      expect(entries[0]?.inputs).toEqual({
        Island: ['Dream', 'Torgersen', null],
        'Beak Length (mm)': [40, 41, 42],
      });
      const csv = await post(`${coded.url}/invocations`, 'Beak Length (mm),Island\n40,Biscoe\n,Dream\n', {
        'content-type': 'text/csv',
      });
      expect((await json(csv)).predictions).toEqual([40, null]);
      // dataframe_split goes straight into the packed tensor: columns in any order, unknown and
      // missing categories and numbers as NaN; a cell it cannot read gets the general path's error.
      const split = (data: unknown[][]) =>
        post(`${coded.url}/invocations`, {
          dataframe_split: { columns: ['Beak Length (mm)', 'Island'], data },
        });
      expect(
        (
          await json(
            await split([
              [40, 'Biscoe'],
              [41, 'Atlantis'],
              [null, 'Dream'],
              [' 42 ', null],
            ]),
          )
        ).predictions,
      ).toEqual([40, null, null, null]);
      expect((await json(await split([[40, 'Dream']]))).predictions).toEqual([50]);
      const badCell = await split([
        [40, 'Dream'],
        [{ mm: 41 }, 'Dream'],
      ]);
      expect(badCell.status).toBe(400);
      expect((await json(badCell)).error).toBe(
        "input 'Beak Length (mm)': element 1 is an object, expected a number or null (FP64)",
      );
      const shortRow = await split([[40]]);
      expect((await json(shortRow)).error).toBe(
        'dataframe_split: row 0 must be an array of 2 values (one per column)',
      );
      const numeric = await post(`${coded.url}/v2/models/coded/infer`, {
        inputs: [
          { name: 'Island', datatype: 'FP32', shape: [1], data: [1] },
          { name: 'Beak Length (mm)', datatype: 'FP32', shape: [1], data: [40] },
        ],
      });
      expect(numeric.status).toBe(400);
      expect((await json(numeric)).error).toBe("input 'Island': datatype FP32, expected BYTES");
    } finally {
      await coded.close();
    }
  });
});

describe('a bare ONNX file', () => {
  it('without a spec is served as raw tensors, with a warning saying what a spec adds', async () => {
    const logs: { level?: string; event?: string; message?: string }[] = [];
    const bare = await temp.write('bare.onnx', await byoBytes('packed-probabilities'));
    const bareServer = await startServer({ models: [bare], port: 0, workers: 1, log: (l) => logs.push(l) });
    try {
      const warning = logs.find((l) => l.event === 'no-spec');
      expect(warning?.level).toBe('warn');
      expect(warning?.message).toMatch(
        /records no spec.*raw input and output tensors only.*class labels need one: --spec <file>/,
      );
      const meta = await json(await fetch(`${bareServer.url}/v2/models/bare`));
      expect(meta.inputs.map((i: { name: string }) => i.name)).toEqual(['input']);
      expect(meta.parameters).toMatchObject({ task: null, classes: null, features: null });
      const response = await post(`${bareServer.url}/v2/models/bare/infer`, {
        inputs: [packedInput('packed-probabilities')],
      });
      const body = await json(response);
      expect(body.outputs.map((o: { name: string }) => o.name)).toEqual(['probabilities']);
      const named = await post(`${bareServer.url}/v2/models/bare/infer`, {
        inputs: featureInputs('packed-probabilities'),
      });
      expect(named.status).toBe(400);
      expect((await json(named)).error).toMatch(
        /^unknown input 'Beak Length \(mm\)'; the model's inputs are 'input'$/,
      );
    } finally {
      await bareServer.close();
    }
  });

  it('with spec flags serves named columns and class labels', async () => {
    const bare = await temp.write('flagged.onnx', await byoBytes('packed-label-int'));
    const expected = fixtures.models['packed-label-int'];
    const flagged = await startServer({
      models: [bare],
      port: 0,
      workers: 1,
      specFlags: { features: expected.features.join(','), classes: (expected.classes ?? []).join(',') },
    });
    try {
      const response = await post(`${flagged.url}/v2/models/flagged/infer`, {
        inputs: featureInputs('packed-label-int'),
      });
      expect(output(await json(response), 'label').data).toEqual(expected.labels);
      expect((await json(await fetch(`${flagged.url}/v2/models/flagged`))).parameters.spec_source).toBe(
        'flags',
      );
    } finally {
      await flagged.close();
    }
  });

  it('whose spec does not fit its inputs is refused at startup, naming the model', async () => {
    const bare = await temp.write('misfit.onnx', await byoBytes('packed-probabilities'));
    await expectUserError(
      startServer({
        models: [bare],
        port: 0,
        workers: 1,
        specFlags: { features: 'a,b,c', classes: 'Adelie,Chinstrap,Gentoo' },
      }),
      /misfit\.onnx: model input 'input' has width 4, expected 3 \(one column per feature, in order: a, b, c\)/,
    );
  });
});
