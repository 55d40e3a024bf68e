export interface Progress {
  /** fraction in [0, 1]; undefined when the amount of work is unknown. */
  update(fraction?: number, detail?: string): void;
  done(): void;
}

const SILENT: Progress = { update() {}, done() {} };
const MIN_INTERVAL_MS = 100;
const SHOW_AFTER_MS = 1000;
const WIDTH = 24;

/**
 * A one-line bar on stderr, shown only on a TTY outside CI and only for work
 * that lasts over a second, so logs and pipes stay clean.
 */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env.CI === 'true' || process.env.GITHUB_ACTIONS === 'true') return SILENT;
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(fraction, detail = '') {
      const now = Date.now();
      if (now - started < SHOW_AFTER_MS || now - last < MIN_INTERVAL_MS) return;
      last = now;
      const seconds = ((now - started) / 1000).toFixed(1);
      const bar =
        fraction === undefined
          ? ''
          : `[${'#'.repeat(Math.round(fraction * WIDTH)).padEnd(WIDTH, '.')}] ${Math.round(fraction * 100)}% `;
      stream.write(`\r\x1b[2K${label} ${bar}${detail} ${seconds}s`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
