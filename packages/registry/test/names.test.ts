import { parseConfig } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import { checkModelName, gtoVersion, parseModelRef } from '../src/index.js';

describe('names and references', () => {
  const BAD_NAMES = [
    '..',
    '../x',
    'a/b',
    'a\\b',
    'a..b',
    '.hidden',
    'x.lock',
    'x.',
    'a b',
    'a:b',
    'a~b',
    'a^b',
    'a?b',
    'a*b',
    'a[b',
    'a@b',
    'a#b',
    'x'.repeat(101),
    'registry.yaml',
    '',
    'a\nb',
  ];
  const config = (model: string) => `model: ${JSON.stringify(model)}\ntask: binary\ntarget: y\ndata: d.csv\n`;

  it('accepts the names a config allows and refuses what git refs or paths reject', async () => {
    for (const ok of ['penguins', 'penguins-species', 'churn_v2', 'Model.1', 'a', 'x'.repeat(100)])
      expect(checkModelName(ok)).toBe(ok);
    for (const bad of BAD_NAMES) await expectUserError(() => checkModelName(bad), /^Invalid model name/);
  });

  it('is the rule modelgate.yaml is checked by, so a config never names a model the registry refuses', async () => {
    for (const ok of ['penguins', 'x'.repeat(100)]) expect(parseConfig(config(ok)).model).toBe(ok);
    for (const bad of BAD_NAMES)
      await expectUserError(() => parseConfig(config(bad)), /^modelgate\.yaml:1:8: model: /);
    await expectUserError(
      () => parseConfig(config('a..b')),
      /^modelgate\.yaml:1:8: model: the name contains '\.\.', which the registry refuses, got "a\.\.b"$/,
    );
  });

  it('quotes the name it refuses, JSON-style, on one line', async () => {
    expect(await expectUserError(() => checkModelName('a\nb`$(id)`'))).toBe(
      "Invalid model name \"a\\nb`$(id)`\": has characters other than letters, digits, . - _ or does not start with a letter or digit. Expected letters, digits, '.', '-' or '_', starting with a letter or digit.",
    );
    expect(await expectUserError(() => checkModelName('x'.repeat(300), '--model'))).toMatch(
      /^Invalid --model "x{119}…": is longer than 100 characters\./,
    );
    await expectUserError(() => parseModelRef('churn#a\nb'), /^Invalid stage name "a\\nb"\. Expected/);
  });

  it('parses versions, stages and latest, with GTO semver accepted for versions', async () => {
    expect(parseModelRef('churn')).toEqual({ name: 'churn', kind: 'latest' });
    expect(parseModelRef('churn@latest')).toEqual({ name: 'churn', kind: 'latest' });
    expect(parseModelRef('churn@v12')).toEqual({ name: 'churn', kind: 'version', version: 'v12' });
    expect(parseModelRef('churn@v12.0.0')).toEqual({ name: 'churn', kind: 'version', version: 'v12' });
    expect(parseModelRef('churn#production')).toEqual({ name: 'churn', kind: 'stage', stage: 'production' });
    expect(gtoVersion('v7')).toBe('v7.0.0');
    await expectUserError(() => parseModelRef('churn@v0'), /Invalid version "v0"/);
    await expectUserError(() => parseModelRef('churn@v1.2.0'), /Invalid version/);
    await expectUserError(() => parseModelRef('churn#Prod'), /Invalid stage name/);
    await expectUserError(() => parseModelRef('../x@v1'), /Invalid model name/);
  });
});
