import { Database } from '@modelgate/core';
import { createSession, runOnColumns } from '@modelgate/runtime';
import { dataset } from '../packages/core/test/datasets.js';
import { gbdtTrainer } from '../packages/train/src/gbdt/index.js';
import { prepareTask } from '../packages/train/test/gbdt-data.js';

const db = await Database.open();
for (const [target, task] of [['Species', 'multiclass'], ['Body Mass (g)', 'regression'], ['Sex', 'binary']] as const) {
  const t = await prepareTask(db, { path: dataset('penguins.json'), target, task });
  const start = performance.now();
  const model = await gbdtTrainer.fit(t.spec, t.train, t.validation, {}, { seed: 1 });
  const ms = performance.now() - start;
  const p = model.predict(t.test);
  let quality = 0;
  if (task === 'regression') {
    let s = 0; for (let i = 0; i < t.test.rows; i++) s += ((p.prediction?.[i] ?? 0) - (t.test.target[i] ?? 0)) ** 2;
    quality = Math.sqrt(s / t.test.rows);
  } else {
    let c = 0; for (let i = 0; i < t.test.rows; i++) c += p.label?.[i] === t.test.target[i] ? 1 : 0;
    quality = c / t.test.rows;
  }
  const bytes = model.toOnnx(t.spec);
  const session = await createSession(bytes);
  const o = await runOnColumns(session, t.spec, t.test);
  let maxDiff = 0;
  const a = p.prediction ?? p.probabilities!; const b = o.prediction ?? o.probabilities!;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
  console.log(target, task, t.train.rows, quality.toFixed(4), ms.toFixed(1) + 'ms', JSON.stringify(model.info), 'onnx', bytes.length, 'maxdiff', maxDiff);
}
db.close();
