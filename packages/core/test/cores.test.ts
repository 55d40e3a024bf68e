import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CORES_ENV, UserError, usableCores } from '../src/index.js';
import { useTempDir } from './fixtures.js';

const temp = useTempDir('cores');

function cpuMax(content: string): string {
  const file = temp.path('cpu.max');
  writeFileSync(file, content);
  return file;
}

describe('usableCores', () => {
  it('is the cores the process may run on when no quota or share is set', () => {
    expect(usableCores({}, cpuMax('max 100000\n'))).toBe(availableParallelism());
    expect(usableCores({}, temp.path('absent'))).toBe(availableParallelism());
  });

  it("rounds a cgroup CPU quota up and never exceeds the machine's cores", () => {
    expect(usableCores({}, cpuMax('150000 100000\n'))).toBe(Math.min(2, availableParallelism()));
    expect(usableCores({}, cpuMax('50000 100000\n'))).toBe(1);
    expect(usableCores({}, cpuMax(`${100000 * (availableParallelism() + 8)} 100000`))).toBe(
      availableParallelism(),
    );
  });

  it('takes MODELGATE_CORES over both, and refuses one that is not a positive integer', () => {
    expect(usableCores({ [CORES_ENV]: '7' }, cpuMax('100000 100000'))).toBe(7);
    expect(usableCores({ [CORES_ENV]: '' }, cpuMax('100000 100000'))).toBe(1);
    for (const bad of ['0', '-2', '1.5', 'two']) {
      expect(() => usableCores({ [CORES_ENV]: bad })).toThrow(UserError);
      expect(() => usableCores({ [CORES_ENV]: bad })).toThrow(
        `${CORES_ENV}=${bad}: expected a positive integer`,
      );
    }
  });
});
