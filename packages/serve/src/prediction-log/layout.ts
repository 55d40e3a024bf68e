/** The UTC hour a time falls in, as used in file names: `2026-11-26T07`. */
export function hourKey(time: Date): string {
  return time.toISOString().slice(0, 13);
}

/** What a JSONL file of the log holds: scored rows, one line per answered request, or a shadow's rows. */
export type JsonlKind = 'predictions' | 'requests' | 'shadow';

/** `predictions-<hour>Z.jsonl`, then `predictions-<hour>Z-1.jsonl`, `-2`, … as the hour's files fill. */
export function predictionsFileName(hour: string, index: number, kind: JsonlKind = 'predictions'): string {
  return `${kind}-${hour}Z${index === 0 ? '' : `-${index}`}.jsonl`;
}

export function profileFileName(hour: string): string {
  return `profile-${hour}Z.json`;
}

const JSONL_FILE = /^(predictions|requests|shadow)-(\d{4}-\d{2}-\d{2}T\d{2})Z(?:-(\d+))?\.jsonl$/;
const PROFILE_FILE = /^profile-(\d{4}-\d{2}-\d{2}T\d{2})Z\.json$/;

export function parsePredictionsFileName(
  name: string,
  kind: JsonlKind = 'predictions',
): { hour: string; index: number } | undefined {
  const match = JSONL_FILE.exec(name);
  if (!match?.[2] || match[1] !== kind) return undefined;
  return { hour: match[2], index: match[3] === undefined ? 0 : Number(match[3]) };
}

export function parseProfileFileName(name: string): { hour: string } | undefined {
  const match = PROFILE_FILE.exec(name);
  return match?.[1] ? { hour: match[1] } : undefined;
}

/** `<dir>/<model>`: a model name with '/' (allowed by the registry) nests, as in the registry. */
export function modelDir(dir: string, model: string): string | undefined {
  const parts = model.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) return undefined;
  return [dir.replace(/\/+$/, ''), ...parts].join('/');
}
