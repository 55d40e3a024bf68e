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

/** A repeatable commander option's parser: each use adds its value. */
export const collectFlag = (value: string, previous: string[] = []) => [...previous, value];
