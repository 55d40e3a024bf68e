/**
 * One CI job in the concurrency test: registers a training output into its own
 * clone and pushes. Usage: register-and-push.ts <registry dir> <name> <model dir>
 */
import { registerVersion } from '../../src/index.js';

const [registryDir, name, model] = process.argv.slice(2);
if (!registryDir || !name || !model) throw new Error('usage: register-and-push.ts <registry> <name> <model>');
const result = await registerVersion({ registryDir, name, model, push: true, maxAttempts: 40 });
process.stdout.write(`${JSON.stringify(result)}\n`);
