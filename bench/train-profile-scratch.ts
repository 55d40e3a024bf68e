import { Database } from '@modelgate/core';
import { gbdtTrainer } from '../packages/train/src/gbdt/index.js';
import { prepareTask } from '../packages/train/test/gbdt-data.js';
import { BENCH_DATASETS } from './train-datasets.js';
const which = Number(process.argv[2] ?? 3);
const db = await Database.open();
const bench = BENCH_DATASETS[which]!;
const task = await prepareTask(db, { ...bench.options, seed: 42 });
db.close();
for (let r = 0; r < 2; r++) {
  const start = performance.now(); const cpu0 = process.cpuUsage();
  const model = await gbdtTrainer.fit(task.spec, task.train, task.validation, {}, { seed: 42 });
  const cpu = process.cpuUsage(cpu0); console.log(bench.name, ((performance.now() - start) / 1000).toFixed(3), "cpu", ((cpu.user + cpu.system) / 1e6).toFixed(3), JSON.stringify(model.info));
}
const { TIMES } = await import('../packages/train/src/gbdt/grow-tree.js');
console.log(JSON.stringify(TIMES));
