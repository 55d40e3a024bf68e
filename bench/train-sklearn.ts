import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Quality } from './train-metrics.js';

const PYTHON = '/usr/bin/python3';

export interface SklearnFit {
  seconds: number;
  quality: Quality;
  rounds?: number;
}

/**
 * bench/train_sklearn.py as a server: one fit per request, so the bench can
 * interleave scikit-learn's fits with ours and both see the same machine load.
 */
export class SklearnServer {
  private readonly pending: ((line: string | Error) => void)[] = [];
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.pending.shift()?.(line));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    child.on('exit', (code) => {
      for (const reject of this.pending.splice(0))
        reject(new Error(`train_sklearn.py exited (${code}):\n${this.stderr}`));
    });
  }

  /** Undefined when /usr/bin/python3 with scikit-learn is not installed. */
  static start(paramsFile: string): SklearnServer | undefined {
    if (
      !existsSync(PYTHON) ||
      spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status !== 0
    ) {
      return undefined;
    }
    return new SklearnServer(spawn(PYTHON, [join(import.meta.dirname, 'train_sklearn.py'), paramsFile]));
  }

  fit(dir: string, model: 'gbdt' | 'logistic', repeat: number): Promise<SklearnFit> {
    return new Promise((resolve, reject) => {
      this.pending.push((line) => {
        if (line instanceof Error) return reject(line);
        const { seconds, rounds, ...quality } = JSON.parse(line);
        resolve(rounds === undefined ? { seconds, quality } : { seconds, quality, rounds });
      });
      this.child.stdin.write(`${JSON.stringify({ dir, model, repeat })}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
