import { basename } from 'node:path';
import { UserError } from '@modelgate/core';

const MAX_TITLE_CHARS = 200;

/** What a published page calls a model: name@version when registered, else its file's name; never a local path. */
export function webTitle(model: {
  path: string;
  registry: { name: string; version: string } | null;
}): string {
  return model.registry ? `${model.registry.name}@${model.registry.version}` : basename(model.path);
}

/** A title as given (--title): one line of text, escaped wherever it is shown. */
export function checkWebTitle(title: string, flag = '--title'): string {
  const trimmed = title.trim();
  if (trimmed === '' || /\p{Cc}/u.test(trimmed) || [...trimmed].length > MAX_TITLE_CHARS) {
    throw new UserError(
      `${flag}: expected one line of text of 1 to ${MAX_TITLE_CHARS} characters without control characters.`,
    );
  }
  return trimmed;
}
