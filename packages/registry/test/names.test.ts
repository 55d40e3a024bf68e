import { describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import { checkModelName, gtoVersion, parseModelRef } from '../src/index.js';

describe('names and references', () => {
  it('accepts the names a config allows and refuses what git refs or paths reject', async () => {
    for (const ok of ['penguins', 'penguins-species', 'churn_v2', 'Model.1', 'a'])
      expect(checkModelName(ok)).toBe(ok);
    for (const bad of [
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
    ]) {
      await expectUserError(() => checkModelName(bad), /^Invalid model name/);
    }
  });

  it('parses versions, stages and latest, with GTO semver accepted for versions', async () => {
    expect(parseModelRef('churn')).toEqual({ name: 'churn', kind: 'latest' });
    expect(parseModelRef('churn@latest')).toEqual({ name: 'churn', kind: 'latest' });
    expect(parseModelRef('churn@v12')).toEqual({ name: 'churn', kind: 'version', version: 'v12' });
    expect(parseModelRef('churn@v12.0.0')).toEqual({ name: 'churn', kind: 'version', version: 'v12' });
    expect(parseModelRef('churn#production')).toEqual({ name: 'churn', kind: 'stage', stage: 'production' });
    expect(gtoVersion('v7')).toBe('v7.0.0');
    await expectUserError(() => parseModelRef('churn@v0'), /Invalid version 'v0'/);
    await expectUserError(() => parseModelRef('churn@v1.2.0'), /Invalid version/);
    await expectUserError(() => parseModelRef('churn#Prod'), /Invalid stage name/);
    await expectUserError(() => parseModelRef('../x@v1'), /Invalid model name/);
  });
});
