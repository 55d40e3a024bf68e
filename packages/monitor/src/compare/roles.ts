import { quoteIdent } from '@modelgate/core';
import { LOG_COLUMNS } from '../prediction-log/load.js';

/** The value of a log row's `role` that marks a shadow model's prediction; any other (or none) is production's. */
export const SHADOW_ROLE = 'shadow';

/** SQL true for a shadow row of the loaded log (false for every row of a log without roles). */
export function isShadowSql(hasRole: boolean): string {
  return hasRole ? `coalesce(${quoteIdent(LOG_COLUMNS.role)} = '${SHADOW_ROLE}', false)` : 'false';
}
