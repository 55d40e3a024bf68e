import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, zodErrorLine } from '@modelgate/core';
import { parse } from 'yaml';
import { z } from 'zod';
import { REGISTRY_FILES } from './layout.js';
import { checkStageName } from './names.js';

const stageName = z.string().refine((s) => {
  try {
    checkStageName(s);
    return true;
  } catch {
    return false;
  }
}, 'expected lowercase letters, digits or -, starting with a letter');

const settingsSchema = z
  .strictObject({
    stages: z.array(stageName).min(1).default(['staging', 'production']),
    /** `from`: the stage a version must have passed; null lets any version in. */
    rules: z
      .record(
        stageName,
        z.strictObject({
          from: stageName.nullable().optional(),
          /** What the shadow comparison (`monitor --compare`) must show before a promotion PR to this stage may merge. */
          online: z
            .strictObject({
              verdict: z.boolean().default(true),
              min_shadow_rows: z.number().int().nonnegative().default(0),
            })
            .optional(),
        }),
      )
      .default({}),
    lfs_threshold_mb: z.number().nonnegative().default(50),
    gto_tags: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    if (new Set(s.stages).size !== s.stages.length) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'a stage is listed twice' });
    }
    for (const [stage, rule] of Object.entries(s.rules)) {
      for (const [key, name] of [
        ['', stage],
        ['from', rule.from],
      ] as const) {
        if (name !== null && name !== undefined && !s.stages.includes(name)) {
          ctx.addIssue({
            code: 'custom',
            path: key ? ['rules', stage, key] : ['rules', stage],
            message: `'${name}' is not one of the stages (${s.stages.join(', ')})`,
          });
        }
      }
    }
  });

export type RawSettings = z.output<typeof settingsSchema>;

export interface RegistrySettings {
  /** In promotion order. */
  stages: string[];
  /** For each stage, the stage a version must have passed first (null: none). */
  requires: Record<string, string | null>;
  lfsThresholdBytes: number;
  gtoTags: boolean;
  /** For each stage, what the online comparison must show before a promotion to it merges (null: nothing). */
  online?: Record<string, OnlineRequirement | null>;
}

/** `rules.<stage>.online`: the check `modelgate/<model> online` fails until these hold. */
export interface OnlineRequirement {
  /** A pass verdict of the gate on labeled live rows; without it only a fail verdict fails the check. */
  verdict: boolean;
  /** Rows both models scored. */
  minShadowRows: number;
}

/** Without a rule, a stage takes versions that passed the stage before it: the order is enforced. */
function resolve(raw: RawSettings): RegistrySettings {
  const requires: Record<string, string | null> = {};
  const online: Record<string, OnlineRequirement | null> = {};
  raw.stages.forEach((stage, i) => {
    const rule = raw.rules[stage];
    requires[stage] = rule?.from !== undefined ? rule.from : (raw.stages[i - 1] ?? null);
    online[stage] = rule?.online
      ? { verdict: rule.online.verdict, minShadowRows: rule.online.min_shadow_rows }
      : null;
  });
  return {
    stages: raw.stages,
    requires,
    online,
    lfsThresholdBytes: Math.round(raw.lfs_threshold_mb * 1024 * 1024),
    gtoTags: raw.gto_tags,
  };
}

export const DEFAULT_SETTINGS_YAML = `# The modelgate model registry. Every change here is a git commit; history is git log.
# Stages in promotion order. A stage takes versions that passed the stage named in
# rules.<stage>.from (default: the stage before it); from: null takes any version.
stages: [staging, production]
rules:
  production: { from: staging }
  # To hold a promotion PR to production until the shadow comparison (SHADOW.md) says so:
  # production: { from: staging, online: { verdict: true, min_shadow_rows: 1000 } }
# model.onnx files larger than this are stored with Git LFS (see .gitattributes here).
lfs_threshold_mb: 50
# Also write GTO-compatible tags (<model>@v1.0.0, <model>#<stage>#N) so GTO and DVC Studio can read this registry.
gto_tags: false
`;

export function parseSettings(text: string, file: string): RegistrySettings {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (err) {
    throw new UserError(`${file}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(zodErrorLine(file, parsed.error, raw, { explain: true }));
  return resolve(parsed.data);
}

export interface LoadedSettings {
  settings: RegistrySettings;
  /** False when registry.yaml is absent and the defaults apply; the first write adds the file. */
  exists: boolean;
}

export async function loadSettings(registryDir: string): Promise<LoadedSettings> {
  const file = join(registryDir, REGISTRY_FILES.settings);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new UserError(`${file}: cannot read: ${err.message}`);
  });
  if (text === undefined) return { settings: parseSettings(DEFAULT_SETTINGS_YAML, file), exists: false };
  return { settings: parseSettings(text, file), exists: true };
}

/** Stages a user can name, in order; an unknown one is a UserError listing them. */
export function checkStage(settings: RegistrySettings, stage: string): string {
  checkStageName(stage);
  if (!settings.stages.includes(stage)) {
    throw new UserError(
      `Unknown stage '${stage}'. The registry's stages are ${settings.stages.join(', ')} (registry.yaml).`,
    );
  }
  return stage;
}
