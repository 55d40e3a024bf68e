import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { BufferPool } from './buffer-pool.js';
import { HttpError } from './http-error.js';

/**
 * Bodies smaller than this come from Node's shared 8 KiB slab (cheap, 8-byte aligned); larger
 * ones from the pool: a fresh ArrayBuffer per request, even of 32 KiB, is external memory V8
 * answers with full collections under load.
 */
const POOLED_FROM_BYTES = 4 * 1024;
const POOLED_BYTES = 64 * 1024 * 1024;
/** Binary tensors start on this boundary, so they can be read in place as typed arrays. */
const ALIGN = 8;

/** Powers of two: a body reuses the buffer of any earlier body of up to twice its size. */
function sizeClass(bytes: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(bytes, POOLED_FROM_BYTES)));
}

/** Fastify's error handler reads `statusCode`. */
function bodyError(status: number, message: string): HttpError & { statusCode: number } {
  return Object.assign(new HttpError(status, message), { statusCode: status });
}

const tooLarge = (limit: number) =>
  bodyError(413, `the request body is larger than the server's limit of ${limit} bytes`);

/**
 * Reads request bodies that are bytes (the binary tensor data extension) into
 * one buffer each, placed so the tensors after the JSON header are 8-byte
 * aligned and need no copy. Large bodies reuse pooled memory, given back by
 * `release` once the request is answered.
 */
export class BinaryBodies {
  private readonly pool = new BufferPool(POOLED_BYTES);
  private readonly lent = new WeakSet<ArrayBuffer>();

  constructor(private readonly limit: number) {}

  read(payload: Readable, headers: IncomingHttpHeaders): Promise<Buffer> {
    const declared = Number(headers['content-length']);
    if (!Number.isSafeInteger(declared) || declared < 0) return this.readChunked(payload);
    if (declared > this.limit) return Promise.reject(tooLarge(this.limit));
    const header = Number(headers['inference-header-content-length'] ?? 0);
    const pad = Number.isSafeInteger(header) && header >= 0 ? (ALIGN - (header % ALIGN)) % ALIGN : 0;
    const body = this.allocate(pad + declared).subarray(pad);
    let received = 0;
    return new Promise((resolve, reject) => {
      payload.on('data', (chunk: Buffer) => {
        // Node's HTTP parser stops at Content-Length, so a chunk never runs past the buffer.
        chunk.copy(body, received);
        received += chunk.length;
      });
      payload.once('end', () => {
        if (received === declared) resolve(body);
        else reject(bodyError(400, `the body has ${received} bytes, Content-Length says ${declared}`));
      });
      payload.once('error', (err) => reject(bodyError(400, `reading the request body: ${err.message}`)));
    });
  }

  /** Gives a body's memory back once nothing reads it any more. */
  release(body: unknown): void {
    if (!Buffer.isBuffer(body)) return;
    const buffer = body.buffer as ArrayBuffer;
    if (!this.lent.delete(buffer)) return;
    this.pool.give(buffer);
  }

  private allocate(bytes: number): Buffer {
    if (bytes < POOLED_FROM_BYTES) return Buffer.allocUnsafe(bytes);
    const buffer = this.pool.take(sizeClass(bytes));
    this.lent.add(buffer);
    return Buffer.from(buffer, 0, bytes);
  }

  /** Transfer-Encoding: chunked; the limit is checked as the bytes arrive. */
  private readChunked(payload: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let received = 0;
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        received += chunk.length;
        if (received <= this.limit) return chunks.push(chunk);
        // As fastify does: stop reading and answer 413; Node closes the connection after the reply.
        payload.removeListener('data', onData);
        reject(tooLarge(this.limit));
      };
      payload.on('data', onData);
      payload.once('end', () => resolve(Buffer.concat(chunks, received)));
      payload.once('error', (err) => reject(bodyError(400, `reading the request body: ${err.message}`)));
    });
  }
}
