import { existsSync } from 'node:fs';
import { cp, readFile, realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@modelgate/core';

/** The package the image runs: its `dist/bin.js` is `modelgate`. */
export const TOOLKIT_PACKAGE = '@modelgate/cli';
/** Where the toolkit's node_modules sit in the image. */
export const IMAGE_APP_DIR = '/app';
export const IMAGE_BIN = `${IMAGE_APP_DIR}/node_modules/${TOOLKIT_PACKAGE}/dist/bin.js`;

interface PackageJson {
  name?: string;
  version?: string;
  files?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

async function readPackage(dir: string): Promise<PackageJson> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Node's lookup: `<dir>/node_modules/<name>`, then the same in each parent. */
function findPackage(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Where the image's copy of a package found at `<owner>/node_modules/<name>` goes: nested in the
 * owner's copy when the owner is a package already copied, at the top level otherwise (the
 * checkout's or project's root), so Node resolves the same versions in the image as here.
 */
function destinationOf(found: string, name: string, copied: ReadonlyMap<string, string>): string {
  const owner = found.slice(0, -`${sep}node_modules${sep}${name}`.length);
  const ownerDest = copied.get(owner);
  return ownerDest === undefined ? join('node_modules', name) : join(ownerDest, 'node_modules', name);
}

/** The files of a package the image needs: workspace packages' `files`; others whole, less other platforms' binaries. */
function keep(pkg: PackageJson, dir: string): (path: string) => boolean {
  const onnxBinaries = join(dir, 'bin');
  const ourPlatform = join(onnxBinaries, 'napi-v6', process.platform, process.arch);
  // npm's `files` (negations aside: they only drop build bookkeeping the filter above drops too).
  const published = (pkg.files ?? []).filter((f) => !f.startsWith('!')).map((f) => f.replace(/\/+$/, ''));
  return (path) => {
    const rel = relative(dir, path);
    if (rel === '') return true;
    if (rel === 'node_modules' || rel.startsWith(`node_modules${sep}`)) return false;
    if (rel.endsWith('.map') || rel.endsWith('.d.ts') || rel.endsWith('.tsbuildinfo')) return false;
    if (pkg.name?.startsWith('@modelgate/')) {
      const path = rel.split(sep).join('/');
      return (
        path === 'package.json' ||
        published.some((e) => path === e || path.startsWith(`${e}/`) || e.startsWith(`${path}/`))
      );
    }
    // onnxruntime-node ships every OS's CPU build; the image needs one (its 45 MB of 290).
    if (pkg.name === 'onnxruntime-node' && path.startsWith(`${onnxBinaries}${sep}napi-`)) {
      return ourPlatform.startsWith(path) || path.startsWith(ourPlatform);
    }
    return true;
  };
}

/** The installed @modelgate/cli beside this package, the way Node would find it. */
export async function toolkitDir(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const found = findPackage(here, TOOLKIT_PACKAGE);
  if (!found) {
    throw new UserError(
      `${TOOLKIT_PACKAGE} is not installed beside @modelgate/serve: install the toolkit (npm install @modelgate/cli) to build images.`,
    );
  }
  if (!existsSync(join(found, 'dist', 'bin.js'))) {
    throw new UserError(
      `${join(found, 'dist', 'bin.js')}: missing, so there is no server to put in the image. Run \`npm run build\` in the toolkit checkout first.`,
    );
  }
  return found;
}

export interface StagedToolkit {
  version: string;
  /** Packages copied, name@version, sorted. */
  packages: string[];
}

/**
 * Copies the toolkit's runtime closure (production dependencies only, as
 * installed here: no network, no npm) into `<dest>/node_modules`, laid out as
 * Node resolves it. onnxruntime-node is the installed CPU build.
 */
export async function stageToolkit(dest: string): Promise<StagedToolkit> {
  const start = await toolkitDir();
  /** Real path of each copied package -> its path in the image, relative to /app. */
  const copied = new Map<string, string>();
  const packages: string[] = [];
  const queue = [{ found: start, name: TOOLKIT_PACKAGE }];
  while (queue.length > 0) {
    const { found, name } = queue.shift() as { found: string; name: string };
    const real = await realpath(found);
    if (copied.has(real)) continue;
    const target = destinationOf(found, name, copied);
    copied.set(real, target);
    const pkg = await readPackage(real);
    await cp(real, join(dest, target), { recursive: true, dereference: true, filter: keep(pkg, real) });
    packages.push(`${pkg.name}@${pkg.version}`);
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      // Node resolves from the real path: a workspace package's own node_modules come first.
      const next = findPackage(real, dep);
      if (next) queue.push({ found: next, name: dep });
      else if (!pkg.optionalDependencies?.[dep]) {
        throw new UserError(
          `${dep} (a dependency of ${pkg.name}) is not installed: run npm ci (or npm install) in the toolkit's directory first.`,
        );
      }
    }
  }
  const { version } = await readPackage(await realpath(start));
  return { version: version ?? '0.0.0', packages: packages.sort() };
}
