import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/index.js';
import { expectUserError } from './fixtures.js';

const minimal = 'model: m\ntask: binary\ntarget: y\ndata: d.csv\n';
const candidate = (yaml: string) => `${minimal}train:\n  candidates:\n    - ${yaml}\n`;

describe('a command candidate’s preprocess', () => {
  it('takes raw, encoded, or the encoding’s choices', () => {
    const parsed = (yaml: string) => parseConfig(candidate(yaml), 'm.yaml').train.candidates?.[0]?.preprocess;
    expect(parsed('{command: x}')).toBeUndefined();
    expect(parsed('{command: x, preprocess: raw}')).toBe('raw');
    expect(parsed('{command: x, preprocess: encoded}')).toBe('encoded');
    expect(parsed('{command: x, preprocess: {categorical: ordinal}}')).toEqual({ categorical: 'ordinal' });
    expect(parsed('{command: x, preprocess: {categorical: onehot, numeric: impute}}')).toEqual({
      categorical: 'onehot',
      numeric: 'impute',
    });
  });

  it.each([
    [
      'on a built-in trainer',
      '{algorithm: gbdt, preprocess: encoded}',
      /train\.candidates\[0\]\.preprocess: applies to a command candidate only/,
    ],
    [
      'an unknown mode',
      '{command: x, preprocess: scaled}',
      /^m\.yaml:7:32: train\.candidates\[0\]\.preprocess: expected raw, encoded, or \{categorical: onehot \| ordinal, numeric: standardize \| impute\}, got "scaled"$/,
    ],
    [
      'an unknown encoding',
      '{command: x, preprocess: {categorical: hashed}}',
      /train\.candidates\[0\]\.preprocess\.categorical: Invalid option: expected one of "onehot"\|"ordinal", got "hashed"$/,
    ],
  ])('refuses %s', async (_, yaml, message) => {
    await expectUserError(() => parseConfig(candidate(yaml), 'm.yaml'), message);
  });
});
