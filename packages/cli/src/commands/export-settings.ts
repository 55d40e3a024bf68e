import { UserError } from '@modelgate/core';
import {
  checkWebTitle,
  DEFAULT_QUALITY_TOLERANCE,
  QUANTIZE_MODES,
  type QuantizeMode,
  type SpecFlags,
} from '@modelgate/runtime';
import { parseNumber } from '../flags.js';
import { specFlagsOf } from './spec-options.js';

export const EXPORT_TARGETS = ['web'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** The flags as commander gives them. */
export interface ExportFlags extends SpecFlags {
  model: string;
  registry: string;
  target: string;
  out: string;
  quantize?: string;
  holdout?: string;
  tolerance?: string;
  allowQualityDrop?: boolean;
  force?: boolean;
  title?: string;
}

export interface ExportSettings {
  model: string;
  registry: string;
  /** How a model that records no spec is described. */
  specFlags: SpecFlags;
  target: ExportTarget;
  out: string;
  quantize: QuantizeMode | null;
  holdout: string | null;
  tolerance: number;
  allowQualityDrop: boolean;
  force: boolean;
  /** The page's title; null: the model's name@version, or its file's name. */
  title: string | null;
}

const isTarget = (v: string): v is ExportTarget => (EXPORT_TARGETS as readonly string[]).includes(v);
const isMode = (v: string): v is QuantizeMode => (QUANTIZE_MODES as readonly string[]).includes(v);

/** Checks the flags together; every mistake is one UserError line naming the flag. */
export function parseExportSettings(flags: ExportFlags): ExportSettings {
  if (!isTarget(flags.target)) {
    throw new UserError(`--target ${flags.target}: unknown target. Expected ${EXPORT_TARGETS.join(', ')}.`);
  }
  const quantize = flags.quantize ?? null;
  if (quantize !== null && !isMode(quantize)) {
    throw new UserError(`--quantize ${quantize}: unknown mode. Expected ${QUANTIZE_MODES.join(' or ')}.`);
  }
  const tolerance = parseNumber('tolerance', flags.tolerance);
  if (tolerance !== undefined && (tolerance < 0 || !Number.isFinite(tolerance))) {
    throw new UserError(`--tolerance '${flags.tolerance}': expected a number >= 0 such as 0.01.`);
  }
  const holdout = flags.holdout ?? null;
  const allowQualityDrop = flags.allowQualityDrop === true;
  if (quantize === null) {
    const stray =
      holdout !== null
        ? '--holdout'
        : tolerance !== undefined
          ? '--tolerance'
          : allowQualityDrop
            ? '--allow-quality-drop'
            : null;
    if (stray) throw new UserError(`${stray}: only used with --quantize int8|fp16.`);
  } else if (holdout === null && !allowQualityDrop) {
    throw new UserError(
      `--quantize ${quantize}: pass --holdout <data file> to check the quantized model against the original (or --allow-quality-drop to skip the check).`,
    );
  }
  if (holdout === null && tolerance !== undefined)
    throw new UserError('--tolerance: only used with --holdout.');
  return {
    model: flags.model,
    registry: flags.registry,
    specFlags: specFlagsOf(flags),
    target: flags.target,
    out: flags.out,
    quantize,
    holdout,
    tolerance: tolerance ?? DEFAULT_QUALITY_TOLERANCE,
    allowQualityDrop,
    force: flags.force === true,
    title: flags.title === undefined ? null : checkWebTitle(flags.title),
  };
}
