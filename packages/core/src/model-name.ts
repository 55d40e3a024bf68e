/** The registry's rule for a model name, here so the config, the registry and every command share it. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_MODEL_NAME_CHARS = 100;
const RESERVED = new Set(['registry.yaml', 'registry.yml']);

export const MODEL_NAME_EXPECTED =
  "Expected letters, digits, '.', '-' or '_', starting with a letter or digit.";

/**
 * What is wrong with a model name, or undefined. A name becomes a registry directory and part of git
 * refs (`<name>@v1.0.0`): no path separators, no `..`, nothing git refuses in a ref.
 */
export function modelNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_MODEL_NAME_CHARS) return `is longer than ${MAX_MODEL_NAME_CHARS} characters`;
  if (!MODEL_NAME.test(name))
    return 'has characters other than letters, digits, . - _ or does not start with a letter or digit';
  if (name.includes('..')) return "contains '..'";
  if (name.endsWith('.') || name.toLowerCase().endsWith('.lock')) return "ends with '.' or '.lock'";
  if (RESERVED.has(name.toLowerCase())) return 'is a file name the registry uses';
  return undefined;
}
