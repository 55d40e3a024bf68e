import { z } from 'zod';
import { configSchema } from './schema.js';

const shape = configSchema.shape;

/**
 * What `modelgate monitor` reads of a config file: a full training config, or
 * one holding only what monitoring uses (monitor, time, id, target, …). The
 * training keys become optional; every key present is still checked, and
 * unknown keys are still refused.
 */
export const monitorConfigSchema = z.strictObject({
  ...shape,
  model: shape.model.optional(),
  task: shape.task.optional(),
  target: shape.target.optional(),
  data: shape.data.optional(),
});

export type MonitorConfigFile = z.output<typeof monitorConfigSchema>;
