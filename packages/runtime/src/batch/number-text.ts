import { quoteLiteral } from '@modelgate/core';

/**
 * When text in a numeric feature is a number: the one rule `modelgate
 * predict` (in DuckDB), `modelgate serve` (CSV and MLflow string cells) and
 * the web bundle (in the browser) all apply.
 * Around the text, spaces, tabs and line breaks are ignored. Blank text is a
 * missing value. A number is decimal with '.' as the decimal point and an
 * optional exponent (`1.75`, `-3`, `.5`, `2e-3`), or `inf`, `infinity` or
 * `nan` in any case, with an optional sign; `true` and `false` in any case
 * are 1 and 0 (a boolean column the model was trained on). Anything else
 * (`abc`, `1,75`, `1_000`, `0x10`) is not a number, and the row is refused.
 *
 * The patterns are written for both RE2 (DuckDB) and JavaScript: no `\s`,
 * `\d` or inline flags, whose meaning differs between the two.
 */
const SPACE = '[ \\t\\n\\r]*';
const DECIMAL = '(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?';
const SPECIAL = '[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN]';
const BOOLEAN = '[tT][rR][uU][eE]|[fF][aA][lL][sS][eE]';

/** Group 1 is the number (or true/false) without the space around it. */
export const NUMBER_TEXT_PATTERN = `^${SPACE}([+-]?(?:${DECIMAL}|${SPECIAL})|${BOOLEAN})${SPACE}$`;
export const BLANK_TEXT_PATTERN = `^${SPACE}$`;

const NUMBER_TEXT = new RegExp(NUMBER_TEXT_PATTERN);
const BLANK_TEXT = new RegExp(BLANK_TEXT_PATTERN);

/**
 * Text in a numeric feature as a number under the rule, for code that reads cells in JavaScript
 * (`modelgate serve`): null when blank (missing), undefined when not a number. Gives what
 * `numberFromTextSql` gives in DuckDB for the same text.
 */
export function numberFromText(text: string): number | null | undefined {
  if (!NUMBER_TEXT.test(text)) return BLANK_TEXT.test(text) ? null : undefined;
  // Number() reads every decimal the pattern allows, and ignores the space around it.
  const n = Number(text);
  if (!Number.isNaN(n)) return n;
  // inf, infinity and nan in any case, true and false: rare, so the copies here do not matter.
  const word = text.trim().toLowerCase();
  if (word === 'true' || word === 'false') return word === 'true' ? 1 : 0;
  if (word.endsWith('nan')) return Number.NaN;
  return word.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/** A text column's value as a DOUBLE under the rule: NULL when blank or not a number. */
export function numberFromTextSql(text: string): string {
  const found = `regexp_extract(${text}, ${quoteLiteral(NUMBER_TEXT_PATTERN)}, 1)`;
  return `CASE lower(${found}) WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0 ELSE TRY_CAST(${found} AS DOUBLE) END`;
}

/** True when a text value is there but is not a number under the rule. */
export function notANumberSql(text: string): string {
  return `(${text} IS NOT NULL AND NOT regexp_full_match(${text}, ${quoteLiteral(BLANK_TEXT_PATTERN)}) AND NOT regexp_full_match(${text}, ${quoteLiteral(NUMBER_TEXT_PATTERN)}))`;
}
