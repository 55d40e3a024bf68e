import { DATA_FORMATS, type DataFormat, isDataFormat, UserError } from '@modelgate/core';

export function parseFormat(value: string | undefined): DataFormat | undefined {
  if (value === undefined || isDataFormat(value)) return value;
  throw new UserError(`--format ${value}: unknown format. Expected one of ${DATA_FORMATS.join(', ')}.`);
}

export function parseNumber(flag: string, value: string | undefined, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n) || (integer && !Number.isInteger(n))) {
    throw new UserError(
      `--${flag} '${value}': expected ${integer ? 'an integer such as 42' : 'a number such as 0.1'}.`,
    );
  }
  return n;
}

/** A number above zero, such as a band width or a row count; Infinity is not one. */
export function parsePositive(flag: string, value: string | undefined, integer = false): number | undefined {
  const n = parseNumber(flag, value, integer);
  if (n !== undefined && !(n > 0 && Number.isFinite(n))) {
    throw new UserError(`--${flag} '${value}': expected ${integer ? 'an integer' : 'a number'} above 0.`);
  }
  return n;
}

/** A share such as a sampling rate: a number from 0 to 1. */
export function parseShare(flag: string, value: string | undefined): number | undefined {
  const n = parseNumber(flag, value);
  if (n !== undefined && !(n >= 0 && n <= 1)) {
    throw new UserError(`--${flag} '${value}': expected a share from 0 to 1, such as 0.01.`);
  }
  return n;
}

/** A repeatable commander option's parser: each use adds its value. */
export const collectFlag = (value: string, previous: string[] = []) => [...previous, value];
