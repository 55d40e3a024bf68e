import { parentPort, workerData } from 'node:worker_threads';
import { Problems } from './problems.js';
import { drawVersionPages, type VersionPagesJob } from './version-pages.js';
import { directoryWriter } from './write.js';

/** A worker thread drawing the version pages of its share of the models into the site's staging directory. */
const { job, dir } = workerData as { job: VersionPagesJob; dir: string };
const problems = new Problems();
const models = await drawVersionPages(job, directoryWriter(dir), problems);
parentPort?.postMessage({ models, problems: problems.list });
