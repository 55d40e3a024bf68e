/** The ONNX protobuf classes, generated from ONNX's onnx.proto (npm run generate:onnx-proto). */
export { onnx, onnx as OnnxTypes } from '@modelgate/core/onnx-proto';
