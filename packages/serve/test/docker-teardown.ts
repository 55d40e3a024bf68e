/**
 * vitest's global setup: at the end of the whole run, stops the dockerd a test started (see
 * docker-fixture.ts). The test files run in processes of their own, and one may still use the
 * daemon another started, so no single file may stop it; and a file's process is ended without
 * running its `exit` handlers.
 */
import { readFile, rm } from 'node:fs/promises';
import { STARTED_DOCKERD_FILE } from './docker-fixture.js';

export default function setup(): () => Promise<void> {
  return async () => {
    const pid = Number(await readFile(STARTED_DOCKERD_FILE, 'utf8').catch(() => ''));
    await rm(STARTED_DOCKERD_FILE, { force: true });
    if (!Number.isInteger(pid) || pid <= 0) return;
    // A file left by a run that was killed may name a pid reused since.
    const name = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (name.trim() !== 'dockerd') return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return; // gone already
    }
    // dockerd stops its containers first; wait for it, as its socket would otherwise linger.
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
}
