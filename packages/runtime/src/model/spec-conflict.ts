import { UserError } from '@modelgate/core';
import type { ModelSpec } from './spec.js';
import { nameList, type SpecFlags, specFromFlags } from './spec-flags.js';

type Field = 'task' | 'target' | 'features' | 'classes';
type Said = Partial<Record<Field, string>>;

function said(spec: ModelSpec): Said {
  return {
    task: spec.task,
    ...(spec.target !== null ? { target: spec.target } : {}),
    features: spec.features.map((f) => f.name).join(','),
    ...(spec.classes ? { classes: spec.classes.join(',') } : {}),
  };
}

/** What each flag given says, as the flag and its value name it. */
async function givenByFlags(flags: SpecFlags, label: string): Promise<{ flag: string; said: Said }[]> {
  if (flags.spec !== undefined) {
    return [{ flag: `--spec ${flags.spec}`, said: said(await specFromFlags(flags, undefined, label)) }];
  }
  const given: { flag: string; said: Said }[] = [];
  if (flags.task !== undefined) given.push({ flag: `--task ${flags.task}`, said: { task: flags.task } });
  if (flags.features !== undefined) {
    const features = nameList('--features', flags.features).join(',');
    given.push({ flag: `--features ${flags.features}`, said: { features } });
  }
  if (flags.classes !== undefined) {
    const classes = nameList('--classes', flags.classes).join(',');
    given.push({ flag: `--classes ${flags.classes}`, said: { classes } });
  }
  return given;
}

/**
 * The spec flags describe a model that records no spec. For one that records its own, a flag
 * that says the same is harmless; one that says otherwise would be ignored, so it is refused.
 */
export async function refuseConflictingSpecFlags(
  recorded: ModelSpec,
  flags: SpecFlags,
  label: string,
): Promise<void> {
  const own = said(recorded);
  for (const { flag, said: theirs } of await givenByFlags(flags, label)) {
    for (const field of ['task', 'target', 'features', 'classes'] as const) {
      const given = theirs[field];
      if (given === undefined || given === own[field]) continue;
      throw new UserError(
        `${flag}: ${label} records its own spec, with ${field} ${own[field] ?? '(none)'}, not ${given}. Drop the flag: it describes only a model that records no spec.`,
      );
    }
  }
}
