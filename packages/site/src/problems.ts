import { errorMessage } from '@modelgate/core';

/** Something the site could not read or show; the page it affects says so too. */
export interface Problem {
  level: 'error' | 'warning';
  /** The file (or directory) it is about, as the user named it. */
  path: string;
  /** One line, starting with the path. */
  message: string;
}

export class Problems {
  readonly list: Problem[] = [];

  add(level: Problem['level'], path: string, message: string): string {
    const line = message.startsWith(path) ? message : `${path}: ${message}`;
    this.list.push({ level, path, message: line });
    return line;
  }

  /** A failed read: its message names the file already (UserError) or gets the path in front. */
  caught(level: Problem['level'], path: string, err: unknown): string {
    return this.add(level, path, errorMessage(err).split('\n')[0] ?? '');
  }
}
