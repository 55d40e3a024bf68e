import { z } from 'zod';
import { quote } from '../errors.js';
import { MAX_MODEL_NAME_CHARS, modelNameProblem } from '../model-name.js';
import { gateProblems, gateSchema } from './gate.js';
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

export const ALGORITHMS = ['linear', 'logistic', 'gbdt', 'mlp'] as const;
export const SEARCH_STRATEGIES = ['grid', 'random', 'tpe'] as const;

const SEED_RANGE = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const seed = z
  .number()
  .int('expected an integer seed')
  .min(SEED_RANGE.min, 'expected a seed from -2147483648 to 2147483647')
  .max(SEED_RANGE.max, 'expected a seed from -2147483648 to 2147483647');

const paramConstant = z.union([z.number(), z.string(), z.boolean()]);
const bounds = z.tuple([z.number(), z.number()]);
const intBounds = z.tuple([
  z.number().int('expected whole numbers'),
  z.number().int('expected whole numbers'),
]);
const ascending = (range: readonly [number, number]) => range[0] < range[1];

const PARAM_FORMS =
  'expected {loguniform: [low, high]}, {uniform: [low, high]}, {int: [low, high]}, {choice: [a, b, ...]} or a constant number, string or boolean';

const FORM_SHAPES: Record<string, string> = {
  loguniform: 'expected {loguniform: [low, high]}: two numbers with 0 < low < high',
  uniform: 'expected {uniform: [low, high]}: two numbers with low < high',
  int: 'expected {int: [low, high]}: two whole numbers with low < high',
  choice: 'expected {choice: [a, b, ...]}: numbers, strings or booleans',
};

/** The message for a value none of the forms accepts: the form it names, or all of them. */
function paramProblem(input: unknown): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return PARAM_FORMS;
  const keys = Object.keys(input);
  return (keys.length === 1 && FORM_SHAPES[keys[0] ?? '']) || PARAM_FORMS;
}

/** A search dimension: a distribution to draw from, or a constant passed as is. */
export const paramSpec = z.union(
  [
    z.strictObject({ loguniform: bounds }).refine((p) => p.loguniform[0] > 0 && ascending(p.loguniform), {
      path: ['loguniform'],
      message: 'expected [low, high] with 0 < low < high',
    }),
    z.strictObject({ uniform: bounds }).refine((p) => ascending(p.uniform), {
      path: ['uniform'],
      message: 'expected [low, high] with low < high',
    }),
    z
      .strictObject({ int: intBounds })
      .refine((p) => ascending(p.int), { path: ['int'], message: 'expected [low, high] with low < high' }),
    z.strictObject({ choice: z.array(paramConstant).min(1, 'expected at least one value to choose from') }),
    paramConstant,
  ],
  { error: (issue) => paramProblem(issue.input) },
);

/** Names become MODELGATE_PARAM_<NAME> environment variables of a command trainer. */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const paramSpace = z.record(z.string(), paramSpec).superRefine((params, ctx) => {
  for (const name of Object.keys(params)) {
    if (!PARAM_NAME.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: "expected a parameter name of letters, digits and '_', not starting with a digit",
      });
    }
  }
});

/** How a command candidate gets its data: as the splits are, or encoded by modelgate's own preprocessing. */
export const preprocessSchema = z.union(
  [
    z.enum(['raw', 'encoded']),
    z.strictObject({
      categorical: z
        .enum(['onehot', 'ordinal'])
        .optional()
        .describe(
          'onehot (default): one column per training category and one for a missing or unseen value. ordinal: one column holding the category index, the number of categories for missing or unseen (for an embedding).',
        ),
      numeric: z
        .enum(['standardize', 'impute'])
        .optional()
        .describe(
          'standardize (default): a missing value becomes the training mean, then (x - mean) / std. impute: only the missing values are filled.',
        ),
    }),
  ],
  { error: () => 'expected raw, encoded, or {categorical: onehot | ordinal, numeric: standardize | impute}' },
);

export const candidateSchema = z
  .strictObject({
    algorithm: z
      .enum(ALGORITHMS)
      .optional()
      .describe('A built-in trainer: linear (regression), logistic (classification), gbdt, mlp.'),
    command: z
      .string()
      .min(1, 'expected a shell command')
      .optional()
      .describe(
        'Your own trainer, run in the config directory: reads the splits ($MODELGATE_TRAIN/VALIDATION/TEST as Parquet, $MODELGATE_TRAIN_CSV/VALIDATION_CSV/TEST_CSV as CSV), $MODELGATE_SPEC and $MODELGATE_PARAMS_JSON, writes model.onnx (and optionally metrics.json) into $MODELGATE_OUTPUT_DIR. See BYO.md.',
      ),
    name: z
      .string()
      .trim()
      .min(1, 'expected a name')
      .optional()
      .describe(
        'What tables, trials.json and the registry call a command candidate. Default: the command as written.',
      ),
    params: paramSpace.optional().describe('Hyperparameters: a distribution to search over, or a constant.'),
    timeout_minutes: z
      .number()
      .positive('expected a positive number of minutes')
      .optional()
      .describe('A command trial running longer is stopped and recorded as failed. Default 60.'),
    preprocess: preprocessSchema
      .optional()
      .describe(
        'raw (default): the command gets the splits as they are. encoded: modelgate fits its preprocessing on the training split (imputation with missing indicators, one-hot categoricals with an unseen slot, standardisation, datetime parts), hands the command float32 matrices and a feature map ($MODELGATE_ENCODED_*, $MODELGATE_FEATURE_MAP), and puts that preprocessing in front of the model it writes, so the registered model takes raw columns. An object ({categorical: onehot | ordinal, numeric: standardize | impute}) is encoded with those choices. See BYO.md.',
      ),
  })
  .superRefine((c, ctx) => {
    if ((c.algorithm === undefined) === (c.command === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'expected exactly one of algorithm (a built-in trainer) or command (your own)',
      });
    }
    for (const key of ['timeout_minutes', 'name', 'preprocess'] as const) {
      if (c[key] !== undefined && c.command === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'applies to a command candidate only' });
      }
    }
  });

export const searchSchema = z.strictObject({
  strategy: z
    .enum(SEARCH_STRATEGIES)
    .optional()
    .describe(
      'grid, random or tpe (Bayesian, Tree-structured Parzen Estimator). Default: grid when every parameter has finitely many values, else random.',
    ),
  trials: z
    .number()
    .int('expected a whole number of trials')
    .positive('expected at least 1 trial')
    .optional()
    .describe('Trials to run (random, tpe). Default 20; a grid runs every point and may not exceed it.'),
  parallel: z
    .number()
    .int('expected a whole number')
    .positive('expected at least 1')
    .optional()
    .describe(
      'Worker processes (default 1; --parallel overrides). TPE also proposes this many trials at a time, so results depend on this value and not on --parallel.',
    ),
  seed: seed.optional().describe('Seed of the search and of every trainer. Default: split.seed.'),
  grid_points: z
    .number()
    .int('expected a whole number')
    .min(2, 'expected at least 2 points')
    .optional()
    .describe('Grid: points per uniform/loguniform/int range (ends included). Default 3.'),
  halving: z
    .strictObject({
      min_budget: z
        .number()
        .gt(0, 'expected a share of the full budget in (0, 1]')
        .max(1, 'expected a share of the full budget in (0, 1]')
        .describe(
          "Share of each trainer's full budget (e.g. GBDT boosting rounds) every trial starts on, e.g. 0.1.",
        ),
      eta: z
        .number()
        .int('expected a whole number')
        .min(2, 'expected 2 or more')
        .optional()
        .describe('The best 1/eta of each rung go on with eta times the budget. Default 3.'),
    })
    .optional()
    .describe('Successive halving: trials start on a small budget and only the best continue.'),
});

export const artifactsSchema = z.strictObject({
  keep: z
    .boolean()
    .optional()
    .describe(
      "Keep each command trial's output directory (its output.log, checkpoints, any files) under the training output as trials/<id>/, the best one's as trainer/. Default true.",
    ),
  max_mb: z
    .number()
    .positive('expected a positive number of megabytes')
    .optional()
    .describe(
      'Cap on the kept trials/ tree in MB (default 512): files that would pass it are left out and listed in trials.json.',
    ),
});

export const trainSchema = z.strictObject({
  metric: metricName
    .optional()
    .describe(
      'Metric the search optimises on the validation split. Default: log_loss, or rmse for regression.',
    ),
  search: searchSchema.optional().describe('How hyperparameters are searched.'),
  candidates: z
    .array(candidateSchema)
    .min(1, 'expected at least one candidate')
    .optional()
    .describe(
      'Algorithms (model selection) and their search spaces. Default: every built-in trainer for the task with its default parameters.',
    ),
  artifacts: artifactsSchema
    .optional()
    .describe("What is kept of command trials' output directories, and how much."),
});

const positiveInt = (what: string) =>
  z
    .number()
    .int(`expected a whole number of ${what}`)
    .positive(`expected at least 1 ${what.replace(/s$/, '')}`);

/** How `modelgate evaluate` measures: slices, bootstrap intervals and cost timings. */
export const evaluateSchema = z.strictObject({
  slices: z
    .union([z.literal('auto'), z.array(columnName)])
    .optional()
    .describe(
      "Columns whose values (or quantile bins) the holdout is sliced by. Default auto: the model's features.",
    ),
  slice_bins: positiveInt('bins')
    .optional()
    .describe('Quantile bins per numeric slice column. Default 4 (quartiles).'),
  min_slice_size: positiveInt('rows')
    .optional()
    .describe('Slices with fewer holdout rows are listed, not scored. Default 30.'),
  ece_bins: positiveInt('bins')
    .optional()
    .describe('Equal-width bins of the expected calibration error and the reliability curve. Default 10.'),
  bootstrap: z
    .strictObject({
      resamples: positiveInt('resamples')
        .optional()
        .describe('Paired bootstrap resamples per compared metric. Default 1000.'),
      seed: seed.optional().describe('Seed of the resampling. Default 42.'),
      confidence: z
        .number()
        .gt(0, 'expected a level in (0, 1), e.g. 0.95')
        .lt(1, 'expected a level in (0, 1), e.g. 0.95')
        .optional()
        .describe('Two-sided level of the intervals (and of non_inferiority). Default 0.95.'),
      metrics: z
        .union([z.literal('all'), z.array(metricName).min(1, 'expected at least one metric')])
        .optional()
        .describe(
          'Metrics given an interval: all, or a list. Default: the gated ones, with accuracy and log_loss (classification) or rmse and mae (regression). Each costs a pass over every resample.',
        ),
    })
    .optional()
    .describe('Confidence intervals of challenger - champion differences.'),
  latency: z
    .strictObject({
      runs: positiveInt('runs').optional().describe('Timed single-row runs. Default 200.'),
      warmup: z
        .number()
        .int('expected a whole number of runs')
        .nonnegative('expected 0 or more runs')
        .optional()
        .describe('Untimed single-row runs first. Default 20.'),
    })
    .optional()
    .describe('Single-row latency (latency_p50_ms, latency_p99_ms), measured on the challenger.'),
  throughput: z
    .strictObject({
      batch_rows: positiveInt('rows').optional().describe('Rows per timed batch. Default 1000.'),
      runs: positiveInt('runs').optional().describe('Timed batches, after one untimed. Default 5.'),
    })
    .optional()
    .describe('Batch throughput (throughput_rows_per_s).'),
  champion_stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'expected a stage name such as production')
    .optional()
    .describe(
      "The registry stage whose model is the champion when --baseline is not given. Default: the registry's last stage (production).",
    ),
});

/** The drift tests by their Evidently names: @modelgate/monitor's DRIFT_METHODS (its tests keep the two equal). */
export const DRIFT_METHOD_NAMES = [
  'ks',
  'chisquare',
  'z',
  'wasserstein',
  'jensenshannon',
  'psi',
  'kl_div',
  'hellinger',
] as const;

const driftChoice = z.strictObject({
  method: z
    .enum(DRIFT_METHOD_NAMES)
    .optional()
    .describe('ks, chisquare, z, wasserstein, jensenshannon, psi, kl_div or hellinger.'),
  threshold: z
    .number()
    .positive()
    .optional()
    .describe('Drift when the p-value is below it (ks, chisquare, z) or the distance at or above it.'),
  bins: z.number().int().min(2, 'expected 2 or more bins').optional().describe('Bins for binned methods.'),
});

export const monitorSchema = z.strictObject({
  chunk: z
    .string()
    .regex(
      /^(hour|day|week|month|all|file|rows:[1-9][0-9]*)$/,
      'expected hour, day, week, month, rows:<N>, file or all',
    )
    .optional()
    .describe(
      'How the current window is cut: calendar periods of the time column (UTC), N rows in file order, one chunk per profile file, or all. Default: day with a time column, else all (file for a directory of profiles).',
    ),
  min_chunk_rows: positiveInt('rows')
    .optional()
    .describe('Smaller chunks are flagged too_small and never alerted on. Default: drift.min_rows (30).'),
  baseline_chunks: z
    .number()
    .int('expected a whole number of chunks')
    .min(2, 'expected 2 or more chunks')
    .optional()
    .describe(
      'The earliest chunks that set each series’ band (mean ± sigma·σ). Default: a third of the chunks, at least 5.',
    ),
  sigma: z
    .number()
    .positive()
    .optional()
    .describe('Half-width of the anomaly band in baseline standard deviations. Default 3.'),
  outlier_threshold: z
    .number()
    .positive()
    .optional()
    .describe('A value is an outlier when its robust z-score exceeds this. Default 3.5.'),
  prediction: columnName
    .optional()
    .describe('Model-output column of the current data; its mean per chunk is a monitored series.'),
  exact_values: z
    .number()
    .int('expected a whole number of values')
    .nonnegative()
    .optional()
    .describe(
      'Distinct values a profile keeps exactly per numeric or datetime column (the reference profile train writes, modelgate profile, the chunks monitor profiles): when both sides keep theirs, drift is computed exactly (bound 0). 0 keeps sketches only. Default 10000.',
    ),
  drift: z
    .strictObject({
      columns: z.array(columnName).min(1).optional().describe('Columns to test. Default: the features.'),
      ignore: z.array(columnName).optional().describe('Columns never tested.'),
      share: z
        .number()
        .gt(0, 'expected a share in (0, 1]')
        .max(1, 'expected a share in (0, 1]')
        .optional()
        .describe('Dataset drift when at least this share of the tested columns drifted. Default 0.5.'),
      correction: z
        .enum(['none', 'bonferroni', 'bh'])
        .optional()
        .describe('Multiple-testing correction of the p-values. Default none.'),
      bins: z
        .number()
        .int()
        .min(2)
        .optional()
        .describe('Equal-frequency bins for binned methods. Default 10.'),
      min_rows: positiveInt('rows')
        .optional()
        .describe('A column with fewer values on a side is too_small, not drifted. Default 30.'),
      small_reference: z
        .number()
        .int()
        .nonnegative()
        .optional()
        .describe(
          'References up to this many values get ks/chisquare/z; larger ones distances. Default 1000.',
        ),
      by_kind: z
        .partialRecord(z.enum(['numeric', 'categorical', 'boolean', 'datetime']), driftChoice)
        .optional()
        .describe('A method per column kind.'),
      by_column: z.record(z.string(), driftChoice).optional().describe('A method per column.'),
      thresholds: z
        .partialRecord(z.enum(DRIFT_METHOD_NAMES), z.number().positive())
        .optional()
        .describe('The default threshold of each method.'),
    })
    .optional()
    .describe('Drift tests and thresholds (see packages/monitor/DRIFT.md).'),
  performance: z
    .strictObject({
      drop: z
        .number()
        .nonnegative()
        .optional()
        .describe(
          'Alert when accuracy, F1 or ROC AUC is more than this below the registered holdout value (absolute). Default 0.05.',
        ),
      rise: z
        .number()
        .nonnegative()
        .optional()
        .describe('Alert when MAE or RMSE is more than this share above the holdout value. Default 0.2.'),
      alert_on_estimates: z
        .boolean()
        .optional()
        .describe('Whether CBPE estimates (no labels yet) alert like realized metrics. Default true.'),
    })
    .optional()
    .describe(
      'Model performance per chunk against the registered holdout metrics (packages/monitor/MONITOR.md).',
    ),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    model: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]*$/i,
        "expected letters, digits, '.', '-' or '_', starting with a letter or digit",
      )
      .max(MAX_MODEL_NAME_CHARS, `expected at most ${MAX_MODEL_NAME_CHARS} characters`)
      .refine((name) => modelNameProblem(name) === undefined, {
        error: (issue) => `the name ${modelNameProblem(String(issue.input))}, which the registry refuses`,
      })
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
    train: trainSchema.default({}).describe('Training: candidate algorithms, search space and strategy.'),
    gate: gateSchema,
    evaluate: evaluateSchema
      .default({})
      .describe('How modelgate evaluate slices the holdout, computes intervals and times the model.'),
    monitor: monitorSchema
      .optional()
      .describe('modelgate monitor: chunks, anomaly bands, outliers and drift tests.'),
    runtime: z
      .strictObject({
        device: z
          .enum(['auto', 'cpu', 'cuda'])
          .optional()
          .describe(
            'Where evaluate and monitor run the model: cpu (default), cuda, or auto (CUDA when onnxruntime-node can create a CUDA session, else the CPU). --device and $MODELGATE_DEVICE override it. See RUNNERS.md.',
          ),
      })
      .optional()
      .describe('Where models run.'),
  })
  .superRefine((config, ctx) => {
    for (const problem of gateProblems(config.gate, config.task)) {
      ctx.addIssue({ code: 'custom', path: ['gate', ...problem.path], message: problem.message });
    }
    const reserved = new Set([config.target, ...config.id, ...(config.time ? [config.time] : [])]);
    if (Array.isArray(config.features)) {
      config.features.forEach((f, i) => {
        if (reserved.has(f)) {
          ctx.addIssue({
            code: 'custom',
            path: ['features', i],
            message: `${quote(f)} is the target, an id or the time column`,
          });
        }
      });
    }
  });

export type ModelgateConfigInput = z.input<typeof configSchema>;
export type ModelgateConfig = z.output<typeof configSchema>;
export type SplitPolicy = z.output<typeof splitPolicy>;
export type TrainConfig = z.output<typeof trainSchema>;
export type SearchConfig = z.output<typeof searchSchema>;
export type CandidateConfig = z.output<typeof candidateSchema>;
export type PreprocessConfig = z.output<typeof preprocessSchema>;
export type ArtifactsConfig = z.output<typeof artifactsSchema>;
export type MonitorConfig = z.output<typeof monitorSchema>;
export type ParamSpecConfig = z.output<typeof paramSpec>;
export type EvaluateConfig = z.output<typeof evaluateSchema>;

/** The JSON Schema editors use for completion in modelgate.yaml. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://modelgate.dev/schema/modelgate.schema.json',
    title: 'modelgate.yaml',
  };
}
