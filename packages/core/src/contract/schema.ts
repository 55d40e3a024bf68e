import { z } from 'zod';
import { COLUMN_KINDS } from '../data/kinds.js';

export const CONTRACT_VERSION = 1;
export const SUPPORTED_CONTRACT_VERSIONS: readonly number[] = [CONTRACT_VERSION];

const fraction = z.number().min(0, 'expected a fraction in [0, 1]').max(1, 'expected a fraction in [0, 1]');
const count = z.number().int('expected a whole number').nonnegative('expected a count >= 0');

export const contractColumnSchema = z
  .strictObject({
    name: z.string().min(1, 'expected a column name'),
    kind: z.enum(COLUMN_KINDS),
    nullable: z.boolean(),
    /** Only for nullable columns; a null in a column that is not nullable is always a violation. */
    max_null_rate: fraction.optional(),
    /** Numeric columns only: values (NaN and ±inf included) outside [min, max] are violations. */
    min: z.number().optional(),
    max: z.number().optional(),
    /** Categorical and text columns only: the values allowed. */
    categories: z.array(z.string()).optional(),
  })
  .superRefine((column, ctx) => {
    if (column.max_null_rate !== undefined && !column.nullable) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_null_rate'],
        message: 'only allowed when nullable is true',
      });
    }
    for (const bound of ['min', 'max'] as const) {
      if (column[bound] !== undefined && column.kind !== 'numeric') {
        ctx.addIssue({ code: 'custom', path: [bound], message: 'only allowed on a numeric column' });
      }
    }
    if (column.min !== undefined && column.max !== undefined && column.min > column.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `must not exceed max (${column.max})` });
    }
    if (column.categories && column.kind !== 'categorical' && column.kind !== 'text') {
      ctx.addIssue({
        code: 'custom',
        path: ['categories'],
        message: 'only allowed on a categorical or text column',
      });
    }
  });

export const contractSchema = z
  .strictObject({
    version: z.literal(CONTRACT_VERSION),
    rows: z
      .strictObject({ min: count, max: count.optional() })
      .refine((r) => r.max === undefined || r.max >= r.min, { message: 'max must be >= min' }),
    key: z
      .array(z.string().min(1, 'expected a column name'))
      .min(1, 'expected at least one column')
      .optional(),
    columns: z.array(contractColumnSchema),
  })
  .superRefine((contract, ctx) => {
    const names = new Set<string>();
    contract.columns.forEach((c, i) => {
      if (names.has(c.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', i, 'name'],
          message: `duplicate column '${c.name}'`,
        });
      }
      names.add(c.name);
    });
    contract.key?.forEach((k, i) => {
      if (!names.has(k)) {
        ctx.addIssue({ code: 'custom', path: ['key', i], message: `'${k}' is not one of the columns` });
      }
    });
  });

export type ContractColumn = z.output<typeof contractColumnSchema>;

/**
 * What data must look like: a versioned JSON document checked into git next
 * to the data it describes.
 */
export type Contract = z.output<typeof contractSchema>;
