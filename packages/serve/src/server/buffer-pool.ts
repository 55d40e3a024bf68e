/**
 * Reusable ArrayBuffers for batch inputs. A batch's inputs are copied into
 * buffers from here, moved to a worker, and moved back with its outputs.
 * Without it every batch allocates megabytes outside the JavaScript heap, and
 * V8 answers that pressure with a full mark-compact every ~100 ms under load
 * (a quarter of the HTTP thread and all the helper threads' time, measured
 * with MNIST-size requests).
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private pooledBytes = 0;

  /** Bytes held for reuse right now. */
  get idleBytes(): number {
    return this.pooledBytes;
  }

  /** @param maxBytes what the pool may hold while idle; buffers given back past it are dropped. */
  constructor(private readonly maxBytes: number) {}

  /** A buffer of exactly `byteLength` bytes; its contents are whatever was there before. */
  take(byteLength: number): ArrayBuffer {
    const list = this.free.get(byteLength);
    const buffer = list?.pop();
    if (buffer) {
      this.pooledBytes -= byteLength;
      return buffer;
    }
    return Buffer.allocUnsafeSlow(byteLength).buffer as ArrayBuffer;
  }

  /** Gives a buffer back; detached buffers (moved elsewhere meanwhile) are ignored. */
  give(buffer: ArrayBuffer): void {
    const size = buffer.byteLength;
    if (size === 0 || this.pooledBytes + size > this.maxBytes) return;
    const list = this.free.get(size);
    if (list) list.push(buffer);
    else this.free.set(size, [buffer]);
    this.pooledBytes += size;
  }
}
