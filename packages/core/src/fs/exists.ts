import { stat } from 'node:fs/promises';

/** Whether anything (file or directory) is at `path`. */
export function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Whether a regular file is at `path`. */
export function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
