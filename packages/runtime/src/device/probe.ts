import { errorMessage } from '@modelgate/core';
import { onnx } from '@modelgate/core/onnx-proto';
import { InferenceSession, listSupportedBackends, env as ortEnv, Tensor } from 'onnxruntime-node';

export interface ProviderProbe {
  /** The execution provider's onnxruntime name: cpu, cuda, tensorrt, webgpu, ... */
  name: string;
  /** Whether the installed onnxruntime-node ships it (the others need ONNXRUNTIME_NODE_INSTALL). */
  bundled: boolean;
  /** Whether a one-node session really ran on it. */
  ok: boolean;
  /** Why it could not, onnxruntime's first line. */
  reason?: string;
}

const FLOAT = 1;

/** A one-node Identity model: the smallest thing a provider must load and run to count as usable. */
function probeModel(): Uint8Array {
  const valueInfo = (name: string) => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 1 }] } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'modelgate-probe',
      node: [{ input: ['x'], output: ['y'], opType: 'Identity' }],
      input: [valueInfo('x')],
      output: [valueInfo('y')],
    },
  }).finish();
}

// A missing provider library is reported by the thrown error; onnxruntime's own log would repeat it on stderr.
ortEnv.logLevel = 'fatal';

/** The installed onnxruntime-node's version, for doctor's report. */
export function onnxruntimeVersion(): string {
  return ortEnv.versions.node ?? 'unknown';
}

const probes = new Map<string, Promise<ProviderProbe>>();

/** Creates and runs a tiny session on one provider, once per process: an answer, not a guess. */
export function probeProvider(name: string): Promise<ProviderProbe> {
  let probe = probes.get(name);
  if (!probe) {
    const bundled = listSupportedBackends().find((b) => b.name === name)?.bundled ?? false;
    probe = runProbe(name, bundled);
    probes.set(name, probe);
  }
  return probe;
}

async function runProbe(name: string, bundled: boolean): Promise<ProviderProbe> {
  try {
    const session = await InferenceSession.create(probeModel(), {
      executionProviders: [name],
      logSeverityLevel: 4,
    });
    try {
      await session.run({ x: new Tensor('float32', new Float32Array([1]), [1]) });
    } finally {
      await session.release();
    }
    return { name, bundled, ok: true };
  } catch (err) {
    return { name, bundled, ok: false, reason: shortReason(errorMessage(err)) };
  }
}

/** onnxruntime's first line, without the source location and failed assertion some providers lead with. */
function shortReason(message: string): string {
  const first = message.split('\n')[0]?.trim() || 'failed';
  return first.replace(/^\/\S+:\d+\s.*?\bwas false\.\s*/, '');
}

/** Every provider the installed onnxruntime-node names, each tried. */
export function probeAllProviders(): Promise<ProviderProbe[]> {
  return Promise.all(listSupportedBackends().map((b) => probeProvider(b.name)));
}
