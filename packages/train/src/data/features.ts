import type { ColumnInfo, ModelgateConfig } from '@modelgate/core';
import { UserError } from '@modelgate/core';

export interface FeatureSelection {
  columns: ColumnInfo[];
  warnings: string[];
}

function columnList(columns: readonly ColumnInfo[]): string {
  return columns.map((c) => c.name).join(', ');
}

/**
 * The feature columns, in order: the configured list, or with `features:
 * auto` every column but the target, id and time columns. Free-text columns
 * are left out of auto with a warning and refused when listed; datetimes
 * become numbers (epoch milliseconds), which a warning says.
 */
export function selectFeatures(config: ModelgateConfig, columns: readonly ColumnInfo[]): FeatureSelection {
  const warnings: string[] = [];
  const reserved = new Set([config.target, ...config.id, ...(config.time ? [config.time] : [])]);
  let selected: ColumnInfo[];
  if (config.features === 'auto') {
    selected = columns.filter((c) => !reserved.has(c.name));
    const text = selected.filter((c) => c.kind === 'text');
    if (text.length > 0) {
      warnings.push(
        `features: auto leaves out free-text column${text.length === 1 ? '' : 's'} ${text.map((c) => `'${c.name}'`).join(', ')} (too many distinct values to be a category). List features explicitly to silence this.`,
      );
      selected = selected.filter((c) => c.kind !== 'text');
    }
  } else {
    const byName = new Map(columns.map((c) => [c.name, c]));
    selected = config.features.map((name) => {
      const column = byName.get(name);
      if (!column) {
        throw new UserError(
          `features: '${name}' is not a column of the training split. Columns: ${columnList(columns)}.`,
        );
      }
      if (column.kind === 'text') {
        throw new UserError(
          `features: '${name}' is free text (${column.type} with too many distinct values to be a category); the built-in trainers take numeric and categorical columns. Remove it from features.`,
        );
      }
      return column;
    });
  }
  if (selected.length === 0) {
    throw new UserError(
      `no feature columns: the training split has ${columnList(columns)}; besides the target '${config.target}' and id/time columns there is nothing to learn from.`,
    );
  }
  for (const c of selected.filter((s) => s.kind === 'datetime')) {
    warnings.push(
      `feature '${c.name}' is a ${c.type}: the model sees it as a number (epoch milliseconds, float32, so to about 2 minutes), and callers must send it so.`,
    );
  }
  return { columns: selected, warnings };
}
