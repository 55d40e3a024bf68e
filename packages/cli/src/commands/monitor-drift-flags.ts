import { type DataProfile, DRIFT_METHOD_NAMES, UserError } from '@modelgate/core';
import type { DriftMethod, DriftOptions, MethodChoice } from '@modelgate/monitor';
import { parseNumber } from '../flags.js';

/** The drift flags of `monitor`, each over the config's monitor.drift. */
export interface DriftFlags {
  /** `column=method`, repeatable. */
  method?: string[];
  /** `column=value` or `method=value`, repeatable. */
  threshold?: string[];
  driftShare?: string;
}

function split(flag: string, value: string, right: string): [string, string] {
  const at = value.lastIndexOf('=');
  if (at <= 0 || at === value.length - 1)
    throw new UserError(
      `--${flag} '${value}': expected ${right}, such as ${flag === 'method' ? 'temp_max=ks' : 'wasserstein=0.2'}.`,
    );
  return [value.slice(0, at), value.slice(at + 1)];
}

function isMethod(name: string): name is DriftMethod {
  return (DRIFT_METHOD_NAMES as readonly string[]).includes(name);
}

function checkColumn(flag: string, value: string, column: string, reference: DataProfile): void {
  if (column in reference.columns) return;
  const names = Object.keys(reference.columns);
  throw new UserError(
    `--${flag} '${value}': '${column}' is not a column of the reference. Columns: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}.`,
  );
}

/**
 * `--method column=method`, `--threshold column=value` (or `method=value`:
 * that method's default threshold) and `--drift-share` over the config's drift options.
 */
export function driftOptionsWithFlags(
  options: DriftOptions,
  flags: DriftFlags,
  reference: DataProfile,
): DriftOptions {
  const byColumn: Record<string, MethodChoice> = { ...options.byColumn };
  const thresholds: Partial<Record<DriftMethod, number>> = { ...options.thresholds };
  for (const value of flags.method ?? []) {
    const [column, method] = split('method', value, '<column>=<method>');
    checkColumn('method', value, column, reference);
    if (!isMethod(method))
      throw new UserError(
        `--method '${value}': unknown method '${method}'. Expected one of ${DRIFT_METHOD_NAMES.join(', ')}.`,
      );
    byColumn[column] = { ...byColumn[column], method };
  }
  for (const value of flags.threshold ?? []) {
    const [name, text] = split('threshold', value, '<column or method>=<number>');
    const threshold = Number(text);
    if (text.trim() === '' || !(threshold > 0 && Number.isFinite(threshold)))
      throw new UserError(`--threshold '${value}': expected a positive number after '='.`);
    if (isMethod(name) && !(name in reference.columns)) thresholds[name] = threshold;
    else {
      checkColumn('threshold', value, name, reference);
      byColumn[name] = { ...byColumn[name], threshold };
    }
  }
  const share = parseNumber('drift-share', flags.driftShare);
  if (share !== undefined && !(share > 0 && share <= 1))
    throw new UserError(`--drift-share '${flags.driftShare}': expected a share in (0, 1], such as 0.5.`);
  return {
    ...options,
    ...(Object.keys(byColumn).length > 0 ? { byColumn } : {}),
    ...(Object.keys(thresholds).length > 0 ? { thresholds } : {}),
    ...(share !== undefined ? { shareThreshold: share } : {}),
  };
}
