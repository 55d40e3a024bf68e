import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataset } from '../../core/test/datasets.js';

export const PENGUINS_CONFIG = `model: penguins-species
task: multiclass
target: Species
data: data/penguins.json
split: { validation: 0.15, test: 0.25, seed: 7 }
`;

/** A project folder: penguins data in data/ beside a modelgate.yaml that names it by a relative path. */
export async function writeProject(root: string, config = PENGUINS_CONFIG): Promise<string> {
  await mkdir(join(root, 'data'), { recursive: true });
  await copyFile(dataset('penguins.json'), join(root, 'data', 'penguins.json'));
  await writeFile(join(root, 'modelgate.yaml'), config);
  return root;
}
