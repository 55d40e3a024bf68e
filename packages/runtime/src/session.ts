import { readFile } from 'node:fs/promises';
import { errorMessage, UserError } from '@modelgate/core';
import { InferenceSession } from 'onnxruntime-node';
import type { ExecutionProvider } from './device/device.js';

export interface SessionOptions {
  /** Threads for one operator (default: onnxruntime's choice, all cores). Use 1 per worker process. */
  intraOpNumThreads?: number;
  /** How errors name the model when it is given as bytes (default 'model'). */
  label?: string;
  /** Where it runs (default cpu): resolveDevice's answer, so one run uses one provider throughout. */
  provider?: ExecutionProvider;
}

/** Reads a model file, turning a missing/unreadable file into a UserError naming it. */
export async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new UserError(`${path}: cannot read the model: ${errorMessage(err)}`);
  }
}

/**
 * An onnxruntime-node session on the CPU (or CUDA, with the CPU for the
 * operators CUDA lacks) with full graph optimisation, from a
 * model's bytes or its path. A file that is not a loadable ONNX model is a
 * UserError: "<path>: not a valid ONNX model: ...".
 */
export async function createSession(
  model: Uint8Array | string,
  options: SessionOptions = {},
): Promise<InferenceSession> {
  const label = typeof model === 'string' ? model : (options.label ?? 'model');
  const bytes = typeof model === 'string' ? await readModelFile(model) : model;
  if (bytes.length === 0) throw new UserError(`${label}: not a valid ONNX model: the file is empty`);
  const sessionOptions: InferenceSession.SessionOptions = {
    executionProviders: options.provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  };
  if (options.intraOpNumThreads !== undefined) {
    if (!Number.isInteger(options.intraOpNumThreads) || options.intraOpNumThreads < 1) {
      throw new UserError(`intraOpNumThreads: expected a positive integer, got ${options.intraOpNumThreads}`);
    }
    sessionOptions.intraOpNumThreads = options.intraOpNumThreads;
  }
  try {
    return await InferenceSession.create(bytes, sessionOptions);
  } catch (err) {
    throw new UserError(`${label}: not a valid ONNX model: ${firstLine(errorMessage(err))}`);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? text;
}
