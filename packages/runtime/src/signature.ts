import type { InferenceSession, Tensor } from 'onnxruntime-node';

/** One model input or output. `type` is onnxruntime's element type ('float32', 'string', ...). */
export interface TensorSignature {
  name: string;
  /** 'non-tensor' for sequences and maps (e.g. a ZipMap output). */
  type: Tensor.Type | 'non-tensor';
  /** -1 for a dynamic (symbolic or unknown) dimension; empty when the model does not say. */
  shape: number[];
}

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

function describe(meta: InferenceSession.ValueMetadata): TensorSignature {
  if (!meta.isTensor) return { name: meta.name, type: 'non-tensor', shape: [] };
  return {
    name: meta.name,
    type: meta.type,
    shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  };
}

/** The session's inputs and outputs with element types and shapes. */
export function readSignature(session: InferenceSession): ModelSignature {
  return {
    inputs: session.inputMetadata.map(describe),
    outputs: session.outputMetadata.map(describe),
  };
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.map((d) => (d < 0 ? 'N' : String(d))).join(', ')}]`;
}
