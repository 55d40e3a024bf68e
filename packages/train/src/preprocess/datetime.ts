import { attr } from '../onnx/attributes.js';
import { DTYPE_CODES } from '../onnx/dtypes.js';
import type { OnnxGraph } from '../onnx/graph-builder.js';

/** Calendar parts of a datetime feature (UTC), each one more numeric column of the encoded matrix. */
export const DATETIME_PARTS = ['year', 'month', 'day', 'weekday', 'hour'] as const;
export type DatetimePart = (typeof DATETIME_PARTS)[number];

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;
/** Parts are taken from the instant rounded to this (5 minutes). */
export const DATETIME_ROUND_MS = 300_000;
const ROUND_MS = DATETIME_ROUND_MS;

/**
 * The arithmetic of the parts, written once over an abstract number type so
 * the in-memory values and the ONNX graph do the same double operations in
 * the same order (days from the civil calendar as in H. Hinnant's
 * civil_from_days). Every result is an integer, so both give it exactly.
 */
interface Arithmetic<T> {
  constant(value: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** floor(a / b). */
  floorDiv(a: T, b: T): T;
  /** 1 where a > b, else 0. */
  greater(a: T, b: T): T;
}

function partsOf<T>(instant: T, ops: Arithmetic<T>): Record<DatetimePart, T> {
  const k = ops.constant;
  // The model gets the instant as float32, off by up to about 2 minutes this century: to the
  // nearest 5 minutes it is exact again for a date (midnight stays on its day).
  const ms = ops.mul(ops.floorDiv(ops.add(instant, k(ROUND_MS / 2)), k(ROUND_MS)), k(ROUND_MS));
  const days = ops.floorDiv(ms, k(MS_PER_DAY));
  const hour = ops.floorDiv(ops.sub(ms, ops.mul(days, k(MS_PER_DAY))), k(MS_PER_HOUR));
  // 1970-01-01 was a Thursday: weekday 0 is Monday.
  const shifted = ops.add(days, k(3));
  const weekday = ops.sub(shifted, ops.mul(ops.floorDiv(shifted, k(7)), k(7)));
  const z = ops.add(days, k(719_468));
  const era = ops.floorDiv(z, k(146_097));
  const doe = ops.sub(z, ops.mul(era, k(146_097)));
  const yoe = ops.floorDiv(
    ops.sub(
      ops.add(ops.sub(doe, ops.floorDiv(doe, k(1460))), ops.floorDiv(doe, k(36_524))),
      ops.floorDiv(doe, k(146_096)),
    ),
    k(365),
  );
  const doy = ops.sub(
    doe,
    ops.sub(ops.add(ops.mul(yoe, k(365)), ops.floorDiv(yoe, k(4))), ops.floorDiv(yoe, k(100))),
  );
  const mp = ops.floorDiv(ops.add(ops.mul(doy, k(5)), k(2)), k(153));
  const day = ops.add(ops.sub(doy, ops.floorDiv(ops.add(ops.mul(mp, k(153)), k(2)), k(5))), k(1));
  // March-based month mp (0 = March) to 1..12; January and February belong to the next year.
  const month = ops.sub(ops.add(mp, k(3)), ops.mul(ops.greater(mp, k(9.5)), k(12)));
  const year = ops.add(ops.add(yoe, ops.mul(era, k(400))), ops.greater(k(2.5), month));
  return { year, month, day, weekday, hour };
}

const numbers: Arithmetic<number> = {
  constant: (v) => v,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  floorDiv: (a, b) => Math.floor(a / b),
  greater: (a, b) => (a > b ? 1 : 0),
};

/** The parts of an epoch-millisecond value (NaN for a missing one: every part NaN). */
export function datetimeParts(ms: number): Record<DatetimePart, number> {
  return partsOf(ms, numbers);
}

/**
 * The `wanted` parts as [N,1] float tensors from a float [N,1] epoch-millisecond
 * input, computed in double. Only ops whose form is the same from opset 9 on.
 */
export function datetimePartsGraph(
  g: OnnxGraph,
  input: string,
  wanted: readonly DatetimePart[],
): Map<DatetimePart, string> {
  const constants = new Map<number, string>();
  const graphOps: Arithmetic<string> = {
    constant(value) {
      let name = constants.get(value);
      if (name === undefined) {
        name = g.initializer('datetime_constant', Float64Array.of(value));
        constants.set(value, name);
      }
      return name;
    },
    add: (a, b) => g.node('Add', [a, b], {}, { hint: 'datetime' }),
    sub: (a, b) => g.node('Sub', [a, b], {}, { hint: 'datetime' }),
    mul: (a, b) => g.node('Mul', [a, b], {}, { hint: 'datetime' }),
    floorDiv: (a, b) =>
      g.node('Floor', [g.node('Div', [a, b], {}, { hint: 'datetime' })], {}, { hint: 'datetime' }),
    greater: (a, b) =>
      g.node(
        'Cast',
        [g.node('Greater', [a, b], {}, { hint: 'datetime' })],
        { to: attr.int(DTYPE_CODES.double) },
        { hint: 'datetime' },
      ),
  };
  const ms = g.node('Cast', [input], { to: attr.int(DTYPE_CODES.double) }, { hint: 'datetime_ms' });
  const parts = partsOf(ms, graphOps);
  const toFloat = { to: attr.int(DTYPE_CODES.float) };
  return new Map(
    wanted.map((part) => [part, g.node('Cast', [parts[part]], toFloat, { hint: `datetime_${part}` })]),
  );
}
