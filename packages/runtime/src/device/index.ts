export {
  CUDA_INSTALL_HINT,
  chooseDevice,
  DEVICES,
  type Device,
  type DeviceChoice,
  type ExecutionProvider,
  parseDevice,
  resolveDevice,
} from './device.js';
export { onnxruntimeVersion, type ProviderProbe, probeAllProviders, probeProvider } from './probe.js';
