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
  private lastTake = 0;
  private trimTimer: NodeJS.Timeout | undefined;

  /** Bytes held for reuse right now. */
  get idleBytes(): number {
    return this.pooledBytes;
  }

  /**
   * @param maxBytes what the pool may hold; buffers given back past it are dropped.
   * @param idleMs after this long without a `take`, the pool lets go of everything (a burst of
   *   large requests should not keep its memory for the life of the server).
   */
  constructor(
    private readonly maxBytes: number,
    private readonly idleMs = 10_000,
  ) {}

  /** A buffer of exactly `byteLength` bytes; its contents are whatever was there before. */
  take(byteLength: number): ArrayBuffer {
    this.lastTake = performance.now();
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
    this.scheduleTrim();
  }

  private scheduleTrim(): void {
    if (this.trimTimer) return;
    const wait = Math.max(1, this.lastTake + this.idleMs - performance.now());
    this.trimTimer = setTimeout(() => {
      this.trimTimer = undefined;
      if (performance.now() - this.lastTake < this.idleMs) return this.scheduleTrim();
      this.free.clear();
      this.pooledBytes = 0;
    }, wait);
    // An idle pool must not keep a process alive.
    this.trimTimer.unref();
  }
}
