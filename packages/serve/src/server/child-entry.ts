import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The entry file and node flags of a process the server starts (an acceptor, the shadow's), named
 * `name` beside the module at `moduleUrl`. Built, it is plain JS run with this process's flags; from
 * the TypeScript sources (tests, tsx) it needs tsx's loader and the source export condition.
 */
export function childEntry(moduleUrl: string, name: string): { exec: string; execArgv: string[] } {
  const here = fileURLToPath(moduleUrl);
  // A debugger flag would make every child open the parent's inspector port.
  const inherited = process.execArgv.filter((arg) => !arg.startsWith('--inspect'));
  if (!here.endsWith('.ts')) return { exec: join(dirname(here), `${name}.js`), execArgv: inherited };
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const loaded = inherited.some((arg) => arg.includes('tsx'));
  return {
    exec: join(dirname(here), `${name}.ts`),
    execArgv: [
      ...inherited,
      ...(loaded ? [] : ['--import', loader]),
      ...(inherited.includes('--conditions=modelgate-source') ? [] : ['--conditions=modelgate-source']),
    ],
  };
}
