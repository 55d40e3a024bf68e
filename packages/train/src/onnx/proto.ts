import onnxProto from 'onnx-proto';

/** The ONNX protobuf classes (onnx-proto is CommonJS, so it comes in as one default export). */
export const { onnx } = onnxProto;
export type { onnx as OnnxTypes } from 'onnx-proto';
