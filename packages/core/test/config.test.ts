import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, loadConfig, parseConfig } from '../src/index.js';
import { expectUserError } from './fixtures.js';

const minimal = 'model: p\ntask: multiclass\ntarget: species\ndata: x.csv\n';

describe('parseConfig', () => {
  it('fills defaults', () => {
    expect(parseConfig(minimal)).toEqual({
      model: 'p',
      task: 'multiclass',
      target: 'species',
      features: 'auto',
      id: [],
      data: 'x.csv',
      split: { validation: 0.1, test: 0.2, seed: 42 },
      train: {},
      gate: {},
    });
  });

  it('reads the example project config', async () => {
    const config = await loadConfig('examples/penguins/modelgate.yaml');
    expect(config.target).toBe('Species');
    expect(config.gate.accuracy).toEqual({ min: 0.9, non_inferiority: 0.01 });
  });

  it.each([
    [
      'a bad enum value',
      minimal.replace('multiclass', 'multi'),
      /^m\.yaml:2:7: task: Invalid option: expected one of .*, got "multi"$/,
    ],
    ['a missing key', 'model: p\ntask: binary\ndata: x.csv\n', /^m\.yaml:1:1: target: missing required key/],
    [
      'an unknown key, at its own line',
      `${minimal}split:\n  valdation: 0.5\n`,
      /^m\.yaml:6:3: split\.valdation: unknown key\./,
    ],
    [
      'fractions leaving no training rows',
      `${minimal}split: {validation: 0.5, test: 0.6}\n`,
      /^m\.yaml:5:8: split: validation \+ test must leave rows/,
    ],
    [
      'a bad split strategy',
      `${minimal}split: {by: weird}\n`,
      /^m\.yaml:5:13: split\.by: expected 'random', 'stratified', 'time:<column>'/,
    ],
    [
      'a wrong type deep inside',
      `${minimal}gate:\n  accuracy: {min: "x"}\n`,
      /^m\.yaml:6:19: gate\.accuracy\.min: .*expected number.*got "x"$/,
    ],
    [
      'the target listed as a feature',
      `${minimal}features: [a, species]\n`,
      /^m\.yaml:5:15: features\[1\]: 'species' is the target/,
    ],
    ['a YAML syntax error', 'model: p\n  task: binary\n', /^m\.yaml:\d+:\d+: invalid YAML: /],
    [
      'an unknown metric in the gate',
      `${minimal}gate:\n  acuracy: {min: 1}\n`,
      /^m\.yaml:6:3: gate\.acuracy: /,
    ],
  ])('names file, line and key for %s', async (_name, text, expected) => {
    await expectUserError(() => parseConfig(text, 'm.yaml'), expected);
  });

  it('names a missing config file', async () => {
    await expect(loadConfig('/nonexistent/modelgate.yaml')).rejects.toThrow(/no such config file/);
  });
});

describe('configJsonSchema', () => {
  it('matches the committed modelgate.schema.json (run `npm run schema` after changing the config)', async () => {
    const committed = JSON.parse(await readFile('modelgate.schema.json', 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('describes the keys editors complete', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['model', 'task', 'target', 'data', 'split', 'gate']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['model', 'task', 'target', 'data']));
  });
});
