import { errorMessage } from '@modelgate/core';
import type { TrainerLookup } from '../trainers.js';
import { loadTrainers } from './trainer-module.js';
import { evaluateTrial, type TrialEnvironment } from './trial.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

// Entry of a trial worker process (see pool.ts): one trial at a time, outcomes back over IPC.
let env: TrialEnvironment | undefined;
let trainers: TrainerLookup | undefined;

function send(message: FromWorker): void {
  process.send?.(message);
}

process.on('message', (message: ToWorker) => {
  void (async () => {
    if (message.type === 'init') {
      env = message.env;
      trainers = await loadTrainers(message.trainerModule);
      send({ type: 'ready' });
      return;
    }
    if (!env || !trainers) throw new Error('trial before init');
    const outcome = await evaluateTrial(env, message.task, trainers);
    send({ type: 'outcome', id: message.task.id, outcome });
  })().catch((err: unknown) => {
    process.stderr.write(`${errorMessage(err)}\n`);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
