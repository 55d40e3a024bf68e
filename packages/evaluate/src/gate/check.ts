import { type GateConfig, gateProblems, type Task, UserError } from '@modelgate/core';

/**
 * Config mistakes in `gate:` a gate cannot judge, as one clear line naming the
 * key. modelgate.yaml is checked the same way when it is read (with its line
 * and column); this covers rules handed over in code.
 */
export function checkGateRules(rules: GateConfig, task: Task): void {
  const [problem] = gateProblems(rules, task);
  if (problem) throw new UserError(`gate.${problem.path.join('.')}: ${problem.message}.`);
}
