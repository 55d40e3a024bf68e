import type { ExecutionProvider } from '@modelgate/runtime';
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import type { ElementType, TensorData, TensorValues } from './tensor.js';

/** How the server opens a session, in a worker or on the HTTP thread. */
export function servingSessionOptions(
  intraOpNumThreads: number,
  provider: ExecutionProvider,
): InferenceSession.SessionOptions {
  return {
    executionProviders: provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    intraOpNumThreads,
    // Spinning intra-op threads would take the cores the HTTP thread and the other workers need.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    logSeverityLevel: 3,
  };
}

/** onnxruntime tensors over the inputs' memory (no copy). */
export function feeds(inputs: readonly TensorData[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const input of inputs) out[input.name] = new Tensor(input.type, input.data, input.dims);
  return out;
}

export function toTensorData(name: string, tensor: Tensor): TensorData {
  return {
    name,
    type: tensor.type as ElementType,
    dims: tensor.dims.map(Number),
    data: tensor.data as TensorValues,
  };
}
