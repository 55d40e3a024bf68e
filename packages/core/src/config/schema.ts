import { z } from 'zod';
import { METRICS } from './metrics.js';

export const TASKS = ['binary', 'multiclass', 'regression'] as const;
export type Task = (typeof TASKS)[number];

const columnName = z.string().min(1, 'expected a column name');
const fraction = z.number().min(0, 'expected a fraction in [0, 1)').lt(1, 'expected a fraction in [0, 1)');

/** `random`, `stratified`, `time:<column>` or `group:<column>`. */
export const splitStrategy = z
  .string()
  .regex(
    /^(random|stratified|time:.+|group:.+)$/,
    "expected 'random', 'stratified', 'time:<column>' or 'group:<column>'",
  );

export const splitPolicy = z
  .strictObject({
    by: splitStrategy
      .optional()
      .describe(
        'How rows are assigned to splits. Default: stratified for classification, random for regression.',
      ),
    validation: fraction.default(0.1).describe('Share of rows in the validation split.'),
    test: fraction.default(0.2).describe('Share of rows in the test (holdout) split.'),
    seed: z
      .number()
      .int()
      .default(42)
      .describe('Seed of the assignment; same data and seed give identical splits.'),
  })
  .refine((s) => s.validation + s.test < 1, {
    message: 'validation + test must leave rows for training (sum < 1)',
  });

export const dataSource = z.strictObject({
  path: z.string().min(1).describe('A file or glob: CSV, TSV, Parquet, JSON or JSONL.'),
  format: z
    .enum(['csv', 'tsv', 'parquet', 'json', 'jsonl'])
    .optional()
    .describe('Overrides the format the extension names.'),
});

const metricName = z.enum(METRICS);

const gateRule = z.strictObject({
  min: z.number().optional().describe('Absolute floor for the challenger.'),
  max: z.number().optional().describe('Absolute ceiling for the challenger.'),
  min_improvement: z.number().optional().describe('Minimum absolute improvement over the champion.'),
  min_relative_improvement: z.number().optional().describe('Minimum improvement relative to |champion|.'),
  non_inferiority: z
    .number()
    .nonnegative()
    .optional()
    .describe('Not worse than the champion by more than this margin, with 95% confidence.'),
  per_slice: z.boolean().optional().describe('Also require no regression beyond the margin in every slice.'),
});

const searchSpace = z.record(z.string(), z.unknown());

const candidate = z.union([
  z.strictObject({
    algorithm: z.enum(['linear', 'logistic', 'gbdt', 'mlp']),
    params: searchSpace.optional(),
  }),
  z.strictObject({
    command: z.string().min(1).describe('Your own trainer; writes model.onnx into $MODELGATE_OUTPUT_DIR.'),
    params: searchSpace.optional(),
    timeout_minutes: z.number().positive().optional(),
  }),
]);

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    model: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]*$/i,
        "expected letters, digits, '.', '-' or '_', starting with a letter or digit",
      )
      .describe('Name of the model in the registry.'),
    task: z.enum(TASKS).describe('binary or multiclass classification, or regression.'),
    target: columnName.describe('The column to predict.'),
    features: z
      .union([z.literal('auto'), z.array(columnName).min(1)])
      .default('auto')
      .describe('Feature columns, or auto: every column but the target, id and time columns.'),
    id: z
      .array(columnName)
      .default([])
      .describe('Identifier columns: kept in outputs, never used as features.'),
    time: columnName
      .optional()
      .describe('Event-time column: never a feature; used by time splits and monitoring.'),
    data: z
      .union([z.string().min(1), dataSource])
      .describe('Training data: a path or glob, or {path, format}.'),
    split: splitPolicy.default({ validation: 0.1, test: 0.2, seed: 42 }),
    train: z
      .strictObject({
        metric: metricName.optional().describe('Metric the search optimises on the validation split.'),
        search: z.record(z.string(), z.unknown()).optional(),
        candidates: z.array(candidate).optional(),
      })
      .default({}),
    gate: z
      .partialRecord(metricName, gateRule)
      .default({})
      .describe('Rules a challenger must pass to be registered.'),
  })
  .superRefine((config, ctx) => {
    const reserved = new Set([config.target, ...config.id, ...(config.time ? [config.time] : [])]);
    if (Array.isArray(config.features)) {
      config.features.forEach((f, i) => {
        if (reserved.has(f)) {
          ctx.addIssue({
            code: 'custom',
            path: ['features', i],
            message: `'${f}' is the target, an id or the time column`,
          });
        }
      });
    }
  });

export type ModelgateConfigInput = z.input<typeof configSchema>;
export type ModelgateConfig = z.output<typeof configSchema>;
export type SplitPolicy = z.output<typeof splitPolicy>;

/** The JSON Schema editors use for completion in modelgate.yaml. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://modelgate.dev/schema/modelgate.schema.json',
    title: 'modelgate.yaml',
  };
}
