#!/usr/bin/env node
// The checkout's postinstall. package.json's allowScripts denies onnxruntime-node's own install script,
// which would download CUDA binaries on Linux x64, so `npm ci` installs the CPU build the package ships.
// A GPU machine asks for the CUDA build with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci`: then this runs
// that script, which reads the same variable.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const wanted = process.env.ONNXRUNTIME_NODE_INSTALL;
if (wanted && wanted !== 'skip') {
  const script = join(import.meta.dirname, '..', 'node_modules', 'onnxruntime-node', 'script', 'install.js');
  const run = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (run.error) throw run.error;
  process.exitCode = run.status ?? 1;
}
