import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The acceptor's entry file and node flags. Built, it is plain JS run with this process's flags;
 * from the TypeScript sources (tests, tsx) it needs tsx's loader and the source export condition.
 */
export function acceptorEntry(): { exec: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  // A debugger flag would make every acceptor open the primary's inspector port.
  const inherited = process.execArgv.filter((arg) => !arg.startsWith('--inspect'));
  if (!here.endsWith('.ts')) return { exec: join(dirname(here), 'acceptor-main.js'), execArgv: inherited };
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const loaded = inherited.some((arg) => arg.includes('tsx'));
  return {
    exec: join(dirname(here), 'acceptor-main.ts'),
    execArgv: [
      ...inherited,
      ...(loaded ? [] : ['--import', loader]),
      ...(inherited.includes('--conditions=modelgate-source') ? [] : ['--conditions=modelgate-source']),
    ],
  };
}
