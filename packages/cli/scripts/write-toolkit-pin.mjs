#!/usr/bin/env node
// The build's last step: records the toolkit's repository (package.json) and commit (git HEAD) in
// dist/toolkit-pin.json, so `modelgate init` pins the workflows it writes to the code it was built from.
// Usage: node packages/cli/scripts/write-toolkit-pin.mjs   (after tsc has built dist/)
import { join } from 'node:path';
import { recordToolkitPin, writeToolkitPin } from '../dist/toolkit-pin.js';

const pin = recordToolkitPin();
await writeToolkitPin(join(import.meta.dirname, '..', 'dist'), pin);
const missing = [
  ...(pin.commit ? [] : ['--toolkit-ref (built outside a git checkout of the toolkit)']),
  ...(pin.repository ? [] : ['--toolkit-repository (package.json names no GitHub repository)']),
];
if (missing.length > 0)
  console.error(`warning: no default recorded for ${missing.join(' or ')}: modelgate init will ask for it.`);
