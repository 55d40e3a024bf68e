import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every package declares exactly what it imports: a package installed on its own (the release tarballs)
// finds only what its package.json names, whatever the workspace happens to hoist.
const root = join(import.meta.dirname, '..', '..', '..');
const packagesDir = join(root, 'packages');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const rootManifest = readManifest(root);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name) && !e.parentPath.includes('node_modules'))
    .map((e) => join(e.parentPath, e.name));
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

/** The package names a file imports (bare specifiers only; node: builtins left out). */
export function importedPackages(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? '';
    if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('/')) continue;
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
    if (builtinModules.includes(name)) continue;
    names.add(name);
  }
  return names;
}

function importsUnder(dir: string): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(dir).filter((f) => f !== self))
    for (const n of importedPackages(readFileSync(file, 'utf8'))) names.add(n);
  return names;
}

const self = import.meta.filename;
const packages = readdirSync(packagesDir).map((name) => {
  const dir = join(packagesDir, name);
  return { dir, manifest: readManifest(dir) };
});

describe('package declarations', () => {
  it('finds static, dynamic and side-effect imports, and skips relative and builtin ones', () => {
    const text = [
      "import { a } from '@scope/pkg/sub';",
      "export * from 'plain';",
      "import type { T } from 'typed';",
      "const m = await import('dynamic/x');",
      "import 'side-effect';",
      "import { b } from './local.js';",
      "import { c } from 'node:fs';",
      "import d from 'path';",
    ].join('\n');
    expect([...importedPackages(text)].sort()).toEqual([
      '@scope/pkg',
      'dynamic',
      'plain',
      'side-effect',
      'typed',
    ]);
  });

  for (const { dir, manifest } of packages) {
    const runtime = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ]);
    it(`${manifest.name}: src imports only what dependencies declare, and uses every dependency`, () => {
      const used = importsUnder(join(dir, 'src'));
      used.delete(manifest.name);
      expect([...used].filter((n) => !runtime.has(n)).sort(), 'imported but not declared').toEqual([]);
      expect(
        Object.keys(manifest.dependencies ?? {})
          .filter((n) => !used.has(n))
          .sort(),
        'declared but never imported',
      ).toEqual([]);
    });
    it(`${manifest.name}: tests import only what the package or the workspace root declares`, () => {
      const declared = new Set([
        ...runtime,
        ...Object.keys(manifest.devDependencies ?? {}),
        ...Object.keys(rootManifest.devDependencies ?? {}),
        manifest.name,
      ]);
      const used = importsUnder(join(dir, 'test'));
      expect([...used].filter((n) => !declared.has(n)).sort(), 'imported by tests but not declared').toEqual(
        [],
      );
    });
  }
});
