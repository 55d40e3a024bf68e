/**
 * The load generators bench:serve drives the server with. wrk (C, one epoll
 * thread) when it is installed, as it costs the shared cores a fraction of
 * what autocannon does (~20 µs against ~250 µs per request here), so the
 * server is measured with the CPU it would have behind a remote client;
 * autocannon otherwise. MODELGATE_BENCH_CLIENT=autocannon|wrk picks one.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface Request {
  method: 'GET' | 'POST';
  body: string | Buffer;
  headers: Record<string, string>;
}

export interface Generated {
  requestsPerSecond: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  failed: number;
  /** CPU seconds the generator itself used. */
  cpuSeconds: number;
}

export interface LoadGenerator {
  name: string;
  /**
   * `rate`: paces the connections to about that many requests a second in all (wrk: each connection
   * waits a random 0..2 × concurrency ÷ rate between its requests, whole ms; autocannon:
   * overallRate). Not a true open loop: a slow answer delays that connection's next request.
   */
  run(url: string, request: Request, concurrency: number, seconds: number, rate?: number): Promise<Generated>;
}

const autocannonGenerator: LoadGenerator = {
  name: 'autocannon (in the bench process)',
  async run(url, request, concurrency, seconds, rate) {
    const before = process.cpuUsage();
    const result = await autocannon({
      url,
      ...(rate !== undefined ? { overallRate: rate } : {}),
      method: request.method,
      ...(request.method === 'POST' ? { headers: request.headers, body: request.body } : {}),
      connections: concurrency,
      duration: seconds,
    });
    const used = process.cpuUsage(before);
    return {
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      failed: result.non2xx + result.errors + result.timeouts,
      cpuSeconds: (used.user + used.system) / 1e6,
    };
  },
};

/** Prints one JSON line when wrk is done; the body is read from a file so binary requests survive. */
const WRK_SCRIPT = `
local path = os.getenv("BENCH_BODY")
if path ~= nil and path ~= "" then
  local f = assert(io.open(path, "rb"))
  wrk.body = f:read("*a")
  f:close()
end
wrk.method = os.getenv("BENCH_METHOD")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if pause > 0 then
  -- Uniform around the mean pause: equal pauses keep every connection in step, and the server
  -- would be measured draining one burst of all of them at a time, not a steady rate.
  delay = function() return math.random(0, 2 * pause) end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"duration":%d,"p50":%d,"p99":%d,"status":%d,"errors":%d,"timeouts":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write, e.timeout))
end
`;

interface WrkSummary {
  requests: number;
  /** Microseconds. */
  duration: number;
  p50: number;
  p99: number;
  status: number;
  errors: number;
  timeouts: number;
}

const TICKS = 100;

const wrkGenerator: LoadGenerator = {
  name: 'wrk (1 thread, its own process)',
  async run(url, request, concurrency, seconds, rate) {
    const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-wrk-'));
    try {
      const script = join(dir, 'request.lua');
      const body = join(dir, 'body');
      await writeFile(script, WRK_SCRIPT);
      await writeFile(body, request.body);
      const headers = Object.entries(request.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
      // The shell reports its waited-for children's CPU (wrk's) from its own /proc stat after wrk exits.
      const shell = 'wrk "$@" && read -r stat < /proc/$$/stat && echo "$stat"';
      const args = [
        '-t1',
        `-c${concurrency}`,
        `-d${seconds}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        ...headers,
        url,
      ];
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          'sh',
          ['-c', shell, 'sh', ...args],
          {
            env: {
              ...process.env,
              BENCH_BODY: request.method === 'POST' ? body : '',
              BENCH_METHOD: request.method,
              BENCH_DELAY_MS:
                rate === undefined ? '0' : String(Math.max(1, Math.round((1000 * concurrency) / rate))),
            },
          },
          (err, stdout, stderr) =>
            err ? reject(new Error(`wrk failed: ${stderr || err.message}`)) : resolve(stdout),
        ),
      );
      const lines = out.trim().split('\n');
      const summary = JSON.parse(lines.find((l) => l.startsWith('{')) ?? 'null') as WrkSummary | null;
      if (!summary) throw new Error(`wrk printed no summary:\n${out}`);
      const stat = lines.at(-1) ?? '';
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 16 and 17 (cutime, cstime) of proc(5), counted from 1; the slice starts at field 3.
      const childTicks = Number(fields[13]) + Number(fields[14]);
      return {
        requestsPerSecond: summary.requests / (summary.duration / 1e6),
        p50: summary.p50 / 1000,
        p99: summary.p99 / 1000,
        failed: summary.status + summary.errors + summary.timeouts,
        cpuSeconds: childTicks / TICKS,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

function wrkInstalled(): boolean {
  return execFileSync('sh', ['-c', 'command -v wrk || true'], { encoding: 'utf8' }).trim().length > 0;
}

export function loadGenerator(): LoadGenerator {
  const hasWrk = wrkInstalled();
  const wanted = process.env.MODELGATE_BENCH_CLIENT ?? (hasWrk ? 'wrk' : 'autocannon');
  if (wanted === 'autocannon') return autocannonGenerator;
  if (wanted !== 'wrk') throw new Error(`MODELGATE_BENCH_CLIENT=${wanted}: expected wrk or autocannon`);
  if (!hasWrk) throw new Error('MODELGATE_BENCH_CLIENT=wrk but wrk is not installed (apt-get install wrk)');
  return wrkGenerator;
}
