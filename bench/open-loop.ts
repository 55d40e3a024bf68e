/**
 * An open-loop client: requests sent on a fixed schedule at a rate, latency measured from each
 * one's scheduled time, so a stalled server is not hidden (a closed loop such as wrk's waits for
 * answers before it sends more, and holds a concurrency, not a rate). Used by bench:serve (p99 at
 * half the maximum load) and bench:shadow.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface OpenLoopRequest {
  method: 'GET' | 'POST';
  body: string | Buffer;
  headers: Record<string, string>;
}

export interface OpenLoopResult {
  sent: number;
  failed: number;
  /** Why: an HTTP status or the connection error's code, and how many. */
  failures: Record<string, number>;
  /** Milliseconds from each request's scheduled time to its whole answer. */
  p50: number;
  p99: number;
  /** Every answered request's latency, sorted. */
  latencies: number[];
}

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

/** One request; resolves with its status once the whole answer is read. */
export function send(url: URL, request: OpenLoopRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: request.method, agent, headers: request.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Requests to `url` on a fixed schedule at `rate` per second for `seconds`. */
export async function openLoop(
  url: URL,
  request: OpenLoopRequest,
  rate: number,
  seconds: number,
): Promise<OpenLoopResult> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const failures: Record<string, number> = {};
  const fail = (why: string) => {
    failed++;
    failures[why] = (failures[why] ?? 0) + 1;
  };
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const scheduled = start + (sent * 1000) / rate;
      inFlight.push(
        send(url, request).then(
          (status) => {
            if (status === 200) latencies.push(performance.now() - scheduled);
            else fail(`HTTP ${status}`);
          },
          (err: NodeJS.ErrnoException) => fail(err.code ?? err.message),
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return {
    sent: total,
    failed,
    failures,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    latencies,
  };
}

/** Closes the client's kept-alive connections, so the bench can exit. */
export function closeOpenLoop(): void {
  agent.destroy();
}
