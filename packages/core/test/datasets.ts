import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// The package exports only its JS entry; its data/ folder sits beside build/.
const root = join(dirname(require.resolve('vega-datasets')), '..');

/** A file shipped by the vega-datasets npm package. */
export function dataset(name: string): string {
  return join(root, 'data', name);
}
