import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '@modelgate/core';
import type { PredictionSink, ShadowLines } from '../../prediction-log/types.js';
import { FrameReader } from '../shadow/lines-frames.js';

/** A Unix socket path must fit sockaddr_un (108 bytes on Linux, 104 on macOS). */
const MAX_SOCKET_PATH = 100;
/** How long close() waits for the shadows' processes to send their last lines. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Where the shadows' processes send their log lines straight to the primary, the log's one writer:
 * the lines then never pass through an acceptor's HTTP thread. Frames as lines-frames.ts writes them.
 */
export class ShadowLinesSocket {
  private readonly connections = new Set<Socket>();

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {}

  /** Listens on a fresh socket in the temp directory; undefined where none can be made (then lines take the pipe). */
  static async open(
    sink: PredictionSink,
    log: (line: object) => void,
  ): Promise<ShadowLinesSocket | undefined> {
    if (!sink.recordShadowLines || process.platform === 'win32') return undefined;
    const path = join(tmpdir(), `modelgate-shadow-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) return undefined;
    const server = createServer();
    const socket = new ShadowLinesSocket(path, server);
    server.on('connection', (connection) => socket.read(connection, sink, log));
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(path, () => resolve(true));
    });
    return listening ? socket : undefined;
  }

  private read(connection: Socket, sink: PredictionSink, log: (line: object) => void): void {
    this.connections.add(connection);
    const frames = new FrameReader();
    connection.on('data', (chunk: Buffer) => {
      let groups: ShadowLines[];
      try {
        groups = frames.push(chunk);
      } catch (err) {
        // Past a malformed header nothing on this connection can be told apart: it is dropped.
        log({ level: 'error', event: 'prediction-log-failed', error: errorMessage(err) });
        connection.destroy();
        return;
      }
      for (const group of groups) sink.recordShadowLines?.(group);
    });
    connection.on('error', () => {});
    connection.on('close', () => this.connections.delete(connection));
  }

  /** Waits for the shadows' processes to hang up (they do once their last lines are sent), then stops listening. */
  async close(): Promise<void> {
    const deadline = Date.now() + CLOSE_TIMEOUT_MS;
    while (this.connections.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const connection of this.connections) connection.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}
