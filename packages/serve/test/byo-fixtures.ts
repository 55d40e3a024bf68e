import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ModelSpec, specMetadataProps, stampMetadata } from '@modelgate/runtime';
import {
  BYO_DIR,
  BYO_EXPECTED,
  type ByoName,
  byoFixture,
  type Expected,
  type ExpectedModel,
} from '../../runtime/test/byo-fixtures.js';
import type { PenguinRow } from './server-fixture.js';

export { BYO_DIR, type ByoName } from '../../runtime/test/byo-fixtures.js';

export type ByoExpected = ExpectedModel;
export type ByoFixtures = Omit<Expected, 'rows'> & { rows: PenguinRow[] };

/** The torch-made bare ONNX models (packages/runtime/test/fixtures/byo) and torch's own outputs on 20 rows. */
export async function byoFixtures(): Promise<ByoFixtures> {
  return BYO_EXPECTED as ByoFixtures;
}

/** The spec a user would give with --features/--classes/--task. */
export function byoSpec(expected: ByoExpected): ModelSpec {
  const name = (Object.keys(BYO_EXPECTED.models) as ByoName[]).find(
    (n) => BYO_EXPECTED.models[n] === expected,
  );
  if (!name) throw new Error('byoSpec: not one of the fixtures in expected.json');
  return byoFixture(name).spec;
}

export function byoBytes(name: ByoName): Promise<Uint8Array> {
  return readFile(join(BYO_DIR, `${name}.onnx`)).then((b) => new Uint8Array(b));
}

/** A copy of the fixture with its spec stamped into the ONNX metadata, as `modelgate train` records it. */
export async function stampedCopy(dir: string, name: ByoName, expected: ByoExpected): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.onnx`);
  await writeFile(path, stampMetadata(await byoBytes(name), specMetadataProps(byoSpec(expected)), name));
  return path;
}

/** One feature's values over the rows: null stays null (a missing number). */
export function column(rows: readonly PenguinRow[], feature: string): (number | null)[] {
  return rows.map((r) => (r[feature] as number | null | undefined) ?? null);
}
