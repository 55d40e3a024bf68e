import { type Attributes, attributeProto } from './attributes.js';
import { type Dim, DTYPE_CODES, type DType } from './dtypes.js';
import { NameSet } from './names.js';
import { type OnnxTypes, onnx } from './proto.js';
import { type TensorData, tensorProto } from './tensors.js';

export const ML_DOMAIN = 'ai.onnx.ml';

/** Opsets onnxruntime-node 1.30 runs; IR 8 (ONNX 1.10) is read by every onnxruntime since 1.10, web included. */
export const DEFAULT_OPSETS: Readonly<Record<string, number>> = { '': 17, [ML_DOMAIN]: 3 };
export const IR_VERSION = 8;

export interface ValueSpec {
  dtype: DType;
  /** Dims: a number, or a name such as 'N' for a dynamic one. */
  shape: readonly Dim[];
}

export interface NodeOptions {
  /** '' (ai.onnx, the default) or 'ai.onnx.ml'. */
  domain?: string;
  /** Exact output names (e.g. 'label'); by default one fresh name derived from the op type. */
  outputs?: readonly string[];
  /** Number of fresh outputs when `outputs` is not given (default 1). */
  outputCount?: number;
  /** Hint for the fresh output names. */
  hint?: string;
}

export interface ModelOptions {
  /** metadata_props, written in insertion order. */
  metadata?: Readonly<Record<string, string>>;
  opsets?: Readonly<Record<string, number>>;
  producerVersion?: string;
  docString?: string;
}

function valueInfo(name: string, spec: ValueSpec): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DTYPE_CODES[spec.dtype],
        shape: {
          dim: spec.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

/**
 * Builds one ONNX graph in call order, so the same calls give the same bytes.
 * Tensor names are strings; every method returns the name to wire into the next node.
 */
export class OnnxGraph {
  private readonly names = new NameSet();
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly domains = new Set<string>(['']);

  /**
   * `prefix` starts every name the builder makes up (initializers, node names
   * and outputs): a graph composed in front of another model then cannot
   * clash with its names. Inputs and exact outputs keep their names.
   */
  constructor(
    readonly name = 'modelgate',
    private readonly prefix = '',
  ) {}

  private fresh(hint: string): string {
    return this.names.fresh(`${this.prefix}${hint}`);
  }

  /** A graph input with exactly this name (feature names may hold spaces and parentheses). */
  input(name: string, spec: ValueSpec): string {
    this.inputs.push(valueInfo(this.names.claim(name), spec));
    return name;
  }

  /** A constant tensor; `dims` defaults to 1-D. Returns its (fresh) name. */
  initializer(hint: string, data: TensorData, dims?: readonly number[]): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, data, dims));
    return name;
  }

  /** A scalar-free 1-D int64 initializer, the usual form of shape and axes inputs. */
  int64s(hint: string, values: readonly number[]): string {
    return this.initializer(
      hint,
      BigInt64Array.from(values, (v) => BigInt(v)),
    );
  }

  /** Adds a node and returns its output names. Pass '' for an omitted optional input. */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    attributes: Attributes = {},
    options: NodeOptions = {},
  ): string[] {
    const domain = options.domain ?? '';
    this.domains.add(domain);
    const outputs = options.outputs
      ? options.outputs.map((o) => this.names.claim(o))
      : Array.from({ length: options.outputCount ?? 1 }, () =>
          this.fresh(options.hint ?? opType.toLowerCase()),
        );
    const node: OnnxTypes.INodeProto = {
      name: this.fresh(`${opType}_node`),
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([key, a]) => attributeProto(key, a)),
    };
    if (domain !== '') node.domain = domain;
    this.nodes.push(node);
    return outputs;
  }

  /** Adds a single-output node and returns its output name. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Attributes = {},
    options: NodeOptions = {},
  ): string {
    const [out] = this.nodeOutputs(opType, inputs, attributes, { ...options, outputCount: 1 });
    return out as string;
  }

  /**
   * Declares a graph output named `name`. When `tensor` already has that name it
   * is used as is; otherwise an Identity node renames it.
   */
  output(tensor: string, name: string, spec: ValueSpec): string {
    const source = tensor === name ? tensor : this.node('Identity', [tensor], {}, { outputs: [name] });
    this.outputs.push(valueInfo(source, spec));
    return source;
  }

  /** The op domains the nodes so far use ('' for ai.onnx), in first-use order. */
  usedDomains(): string[] {
    return [...this.domains];
  }

  /** Whether a name is taken (inputs, initializers, node outputs). */
  has(name: string): boolean {
    return this.names.has(name);
  }

  toModelProto(options: ModelOptions = {}): OnnxTypes.IModelProto {
    const opsets = { ...DEFAULT_OPSETS, ...options.opsets };
    const opsetImport = [...this.domains].map((domain) => {
      const version = opsets[domain];
      if (version === undefined) throw new Error(`no opset version for domain '${domain}'`);
      return { domain, version };
    });
    const model: OnnxTypes.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport,
      producerName: 'modelgate',
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
    if (options.producerVersion) model.producerVersion = options.producerVersion;
    if (options.docString) model.docString = options.docString;
    return model;
  }

  /** Serialised model bytes; deterministic for the same sequence of builder calls. */
  toBytes(options: ModelOptions = {}): Uint8Array {
    return onnx.ModelProto.encode(this.toModelProto(options)).finish();
  }
}
