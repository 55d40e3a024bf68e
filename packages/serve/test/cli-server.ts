import { createServer } from 'node:net';

/** A port nothing listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Until the server answers ready; a `serving` run that ends first fails with what it printed. */
export async function waitReady(
  url: string,
  serving?: Promise<{ code: number; stdout: string; stderr: string }>,
): Promise<void> {
  let exited: { code: number; stdout: string; stderr: string } | undefined;
  void serving?.then((result) => {
    exited = result;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `serve exited (code ${exited.code}) before it was ready:\n${exited.stderr}${exited.stdout}`,
      );
    }
    const ready = await fetch(`${url}/v2/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the server did not become ready');
}
