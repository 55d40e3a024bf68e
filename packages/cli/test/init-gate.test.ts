import { parseConfig } from '@modelgate/core';
import { DEFAULT_MARGIN, defaultGateRules } from '@modelgate/evaluate';
import { describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import { configYaml, type InitAnswers, parseGateMin, TASKS } from '../src/commands/init-files.js';

const answers = (task: InitAnswers['task'], gateMin?: number): InitAnswers => ({
  model: 'm',
  task,
  target: 'y',
  data: 'data/train.csv',
  toolkitRepository: 'example/modelgate',
  toolkitRef: 'a'.repeat(40),
  defaultBranch: 'main',
  ...(gateMin !== undefined ? { gateMin } : {}),
});

describe('the gate modelgate init writes', () => {
  it.each(TASKS)('%s: the default gate written out, non-inferiority alone, no absolute min', (task) => {
    const text = configYaml(answers(task));
    expect(text).not.toMatch(/\bmin:/);
    expect(parseConfig(text).gate).toEqual(defaultGateRules(task));
    expect(text).toContain(`non_inferiority: ${DEFAULT_MARGIN} }`);
  });

  it('adds a floor only when the user gives one (--gate-min)', async () => {
    expect(parseConfig(configYaml(answers('multiclass', 0.8))).gate).toEqual({
      accuracy: { min: 0.8, non_inferiority: DEFAULT_MARGIN },
    });
    expect(parseConfig(configYaml(answers('regression', 0.5))).gate).toEqual({
      r2: { min: 0.5, non_inferiority: DEFAULT_MARGIN },
    });
    expect(parseGateMin('0.75')).toBe(0.75);
    await expectUserError(() => parseGateMin('high'), /^--gate-min "high": expected a number, e.g\. 0\.8\.$/);
    await expectUserError(
      () => configYaml(answers('binary', 1.5)),
      /^modelgate\.yaml:\d+:\d+: gate\.accuracy\.min: expected at most 1/,
    );
  });
});
