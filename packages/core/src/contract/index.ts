export { checkContract } from './check.js';
export { parseContract, readContract, serializeContract, writeContract } from './file.js';
export { INFER_DEFAULTS, type InferOptions, inferContract } from './infer.js';
export {
  type ContractReport,
  type ExampleScalar,
  type ExampleValue,
  formatViolation,
  renderViolationsMarkdown,
  VIOLATION_RULES,
  type Violation,
  type ViolationExample,
  type ViolationRule,
} from './report.js';
export {
  CONTRACT_VERSION,
  type Contract,
  type ContractColumn,
  contractSchema,
  SUPPORTED_CONTRACT_VERSIONS,
} from './schema.js';
