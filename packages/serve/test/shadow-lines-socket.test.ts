import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import {
  createPredictionLog,
  listPredictionLog,
  type PredictionSink,
  type ShadowLines,
} from '../src/prediction-log/index.js';
import { ShadowLinesSocket } from '../src/server/acceptors/shadow-lines-socket.js';
import { startServer } from '../src/server/index.js';
import {
  inferBody,
  load,
  MODEL,
  post,
  readJsonLines,
  shadowSettled,
  useShadowedRegistry,
} from './server-fixture.js';

const temp = useTempDir('shadow-lines-socket');
const registry = useShadowedRegistry('shadow-lines-socket');

describe('a shadow’s process sends its log lines to the log’s writer itself', () => {
  it('writes every scored copy’s rows through the socket, none through the server, and the last ones before close', async () => {
    const { registryDir, rows } = registry();
    const dir = temp.path('log');
    const log = createPredictionLog({ dir, flushIntervalMs: 3_600_000 });
    const socket = await ShadowLinesSocket.open(log, () => {});
    if (!socket) throw new Error('no Unix socket could be made');
    // The server's own sink: what reaches it through the server is recorded, not written.
    const throughServer: ShadowLines[] = [];
    const sink: PredictionSink = {
      record: (entry) => log.record(entry),
      recordShadowLines: (lines) => throughServer.push(lines),
      shadowLinesSocket: socket.path,
      close: async () => {},
    };
    const server = await startServer({
      registry: registryDir,
      models: [`${MODEL}#production`],
      shadow: { model: `${MODEL}#staging`, timeoutMs: 120_000 },
      predictionLog: sink,
      port: 0,
      workers: 1,
    });
    const requests = 40;
    try {
      const statuses = await load(requests, 8, (i) =>
        post(
          `${server.url}/v2/models/${MODEL}/infer`,
          inferBody([rows[i % rows.length], rows[(i + 1) % rows.length]] as never, { id: `socket-${i}` }),
        ),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      await shadowSettled(server, requests);
    } finally {
      await server.close();
      await socket.close();
      await log.close();
    }
    expect(throughServer).toEqual([]);
    const [hour] = await listPredictionLog(dir, MODEL);
    const shadowed = await readJsonLines<{ request_id: string; row: number; version: string }>(
      hour?.shadow ?? [],
    );
    expect(shadowed).toHaveLength(requests * 2);
    expect(new Set(shadowed.map((l) => `${l.request_id}/${l.row}`)).size).toBe(requests * 2);
    expect(new Set(shadowed.map((l) => l.version))).toEqual(new Set(['v2']));
    expect(log.stats().writtenRows).toBe(requests * 2 * 2);
  });
});
