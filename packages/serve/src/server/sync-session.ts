import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ExecutionProvider } from '@modelgate/runtime';
import { InferenceSession, type Tensor } from 'onnxruntime-node';

/** The native session onnxruntime-node's InferenceSession wraps (its `dist/binding.js`). */
interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, Tensor>, fetches: Record<string, null>, options: object): Record<string, Tensor>;
  dispose(): void;
}

interface Binding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt: () => void;
}

function loadBinding(): Binding | undefined {
  try {
    const require = createRequire(import.meta.url);
    const binding = require(join(dirname(require.resolve('onnxruntime-node')), 'binding.js')) as Binding;
    const proto = binding.binding?.InferenceSession?.prototype as Partial<NativeSession> | undefined;
    if (typeof binding.initOrt !== 'function' || typeof proto?.loadModel !== 'function') return undefined;
    if (typeof proto.run !== 'function' || typeof proto.dispose !== 'function') return undefined;
    return binding;
  } catch {
    return undefined;
  }
}

let binding: Binding | undefined | null = null;

/** A session whose run() returns its outputs at once, on the calling thread. */
export interface SyncSession {
  run(feeds: Record<string, Tensor>, outputs: readonly string[]): Record<string, Tensor>;
  release(): void;
}

/**
 * onnxruntime-node's public `run()` defers every run to the next turn of the event loop
 * (`setImmediate`) and resolves a promise. For a small model that is a third of the run: 9.0 µs a
 * run against 6.5 µs for the synchronous binding it wraps (a 30-feature logistic model, 16 rows),
 * plus a turn of the loop before the answer can be written. A run holds its thread either way (the
 * HTTP thread's inline path, a worker's), so the server calls the binding directly. Undefined when
 * this onnxruntime-node's binding is not the shape this was written for; the caller then uses the
 * public API.
 */
export function openSyncSession(
  bytes: Uint8Array,
  options: InferenceSession.SessionOptions,
): SyncSession | undefined {
  if (binding === null) binding = loadBinding();
  if (!binding) return undefined;
  binding.initOrt();
  const native = new binding.binding.InferenceSession();
  native.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, options);
  return {
    run: (feeds, outputs) => {
      const fetches: Record<string, null> = {};
      for (const name of outputs) fetches[name] = null;
      return native.run(feeds, fetches, {});
    },
    release: () => native.dispose(),
  };
}

/** How the server runs a model, on the HTTP thread or in a worker. */
export interface ServingSession {
  run(feeds: Record<string, Tensor>, outputs: readonly string[]): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

/**
 * The synchronous session on the CPU where this onnxruntime-node allows it, else (and on CUDA, whose
 * runs this was not measured with) the public API's.
 */
export async function openServingSession(
  bytes: Uint8Array,
  options: InferenceSession.SessionOptions,
  provider: ExecutionProvider,
): Promise<ServingSession> {
  const sync = provider === 'cpu' ? openSyncSession(bytes, options) : undefined;
  if (sync) {
    return {
      run: async (feeds, outputs) => sync.run(feeds, outputs),
      release: async () => sync.release(),
    };
  }
  const session = await InferenceSession.create(bytes, options);
  return {
    run: (feeds, outputs) => session.run(feeds, [...outputs]),
    release: () => session.release(),
  };
}

/** openServingSession, its first run (which allocates and plans) paid now, before any request waits on it. */
export async function openWarmSession(
  bytes: Uint8Array,
  options: InferenceSession.SessionOptions,
  provider: ExecutionProvider,
  warmup: Record<string, Tensor>,
  outputs: readonly string[],
): Promise<ServingSession> {
  const session = await openServingSession(bytes, options, provider);
  try {
    await session.run(warmup, outputs);
  } catch (err) {
    await session.release().catch(() => {});
    throw err;
  }
  return session;
}
