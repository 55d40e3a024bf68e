#!/usr/bin/env node
// The `modelgate` command. An installed package runs its compiled dist/bin.js. In a checkout of the
// toolkit right after `npm ci` nothing is compiled yet, and npm links a bin only when its file exists
// at install time: so this committed file is the bin, and it runs the TypeScript sources through tsx
// (a devDependency of the checkout) until `npm run build` has written dist/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = new URL('../dist/bin.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  let tsx;
  try {
    tsx = createRequire(import.meta.url).resolve('tsx');
  } catch {
    console.error(
      'error: modelgate is not built (no dist/bin.js) and tsx is not installed: run `npm run build` first',
    );
    process.exit(2);
  }
  const source = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
  const run = spawnSync(
    process.execPath,
    ['--conditions=modelgate-source', '--import', pathToFileURL(tsx).href, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (run.error) throw run.error;
  process.exit(run.status ?? 1);
}
