/**
 * Writes `<consumerDir>/package.json` and `<consumerDir>/package-lock.json` (named `name`) depending on
 * every `.tgz` in `releaseDir`, the public dependencies locked to the workspace's package-lock.json.
 */
export function writeReleaseLock(
  workspaceRoot: string,
  releaseDir: string,
  consumerDir: string,
  name: string,
): void;
