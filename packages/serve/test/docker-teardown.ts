/**
 * vitest's global setup: at the end of the whole run, stops the dockerd a test started (see
 * docker-fixture.ts). The test files run in processes of their own, and one may still use the
 * daemon another started, so no single file may stop it; and a file's process is ended without
 * running its `exit` handlers.
 */
import { readFile, rm } from 'node:fs/promises';
import { STARTED_DOCKERD_FILE } from './docker-fixture.js';

/** Where dockerd writes its pid: two files that started one at once leave the one that runs. */
const DOCKERD_PID_FILE = '/var/run/docker.pid';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export default async function setup(): Promise<() => Promise<void>> {
  // A mark left by a run that was killed is not this run's.
  await rm(STARTED_DOCKERD_FILE, { force: true });
  return async () => {
    const started = await readFile(STARTED_DOCKERD_FILE, 'utf8').catch(() => undefined);
    if (started === undefined) return;
    await rm(STARTED_DOCKERD_FILE, { force: true });
    const pid = Number(await readFile(DOCKERD_PID_FILE, 'utf8').catch(() => started));
    const name = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (!Number.isInteger(pid) || pid <= 0 || name.trim() !== 'dockerd') return;
    process.kill(pid, 'SIGTERM');
    // dockerd stops its containers first; waited for, so its socket does not outlive the run.
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 200));
  };
}
