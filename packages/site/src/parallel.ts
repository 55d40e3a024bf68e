import { Worker } from 'node:worker_threads';
import { usableCores } from '@modelgate/core';
import type { LoadedModel } from './load/registry.js';
import type { Problem, Problems } from './problems.js';
import { drawVersionPages, type VersionPagesJob } from './version-pages.js';
import type { SiteWriter } from './write.js';

/** Below this many versions a worker thread costs more to start than it saves. */
export const PARALLEL_FROM_VERSIONS = 1000;

/** How many threads draw version pages: two on a machine with two cores or more, for a large registry. */
export function defaultThreads(versions: number): number {
  return versions >= PARALLEL_FROM_VERSIONS && usableCores() > 1 ? 2 : 1;
}

/**
 * The worker runs the same modules as this thread: built JavaScript, or (in the repository's tests and
 * benchmarks) the TypeScript sources through tsx.
 */
function startWorker(
  job: VersionPagesJob,
  dir: string,
): Promise<{ models: LoadedModel[]; problems: Problem[] }> {
  const source = import.meta.url.endsWith('.ts');
  const entry = new URL(`./version-worker.${source ? 'ts' : 'js'}`, import.meta.url);
  const options = { workerData: { job, dir } };
  // From the sources, the worker registers tsx first, as the thread that starts it was started with it.
  const worker = source
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
        { ...options, eval: true, execArgv: ['--conditions=modelgate-source'] },
      )
    : new Worker(entry, options);
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the version page worker exited with ${code}`)));
  });
}

/**
 * Version pages of every model, split between this thread and a worker (every other model goes to the
 * worker). Models come back in the order given; a worker that fails leaves its share to this thread.
 */
export async function drawAllVersionPages(
  job: VersionPagesJob,
  threads: number,
  writer: SiteWriter,
  dir: string,
  problems: Problems,
): Promise<LoadedModel[]> {
  if (threads < 2 || job.names.length < 2) return drawVersionPages(job, writer, problems);
  const mine = job.names.filter((_, i) => i % 2 === 0);
  const theirs = job.names.filter((_, i) => i % 2 === 1);
  const worker = startWorker({ ...job, names: theirs }, dir).then(
    (result) => result,
    (err: unknown) => err as Error,
  );
  const drawn = await drawVersionPages({ ...job, names: mine }, writer, problems);
  const result = await worker;
  let other: LoadedModel[];
  if (result instanceof Error) {
    problems.add(
      'warning',
      job.registryDir,
      `drawn on one thread: the worker thread failed (${result.message.split('\n')[0]})`,
    );
    other = await drawVersionPages({ ...job, names: theirs }, writer, problems);
  } else {
    problems.list.push(...result.problems);
    other = result.models;
  }
  const byName = new Map([...drawn, ...other].map((m) => [m.name, m]));
  return job.names.map((name) => byName.get(name) as LoadedModel);
}
