import type { ExecutionProvider } from '@modelgate/runtime';
import type { ShadowLinesFiles } from '../../prediction-log/types.js';
import type { InferResult, InferTask } from '../infer-task.js';
import type { ModelVersion } from '../models.js';
import type { LoweredPriority } from './thread-priority.js';

/** What the server sends the shadow's process. */
export type ToShadow =
  | {
      type: 'modelgate:shadow-start';
      model: ModelVersion;
      workers: number;
      provider: ExecutionProvider;
      /** Append the log lines written here to the log's files, not send them back with the result. */
      linesFiles?: ShadowLinesFiles;
    }
  | { type: 'modelgate:shadow-task'; id: number; task: InferTask }
  | { type: 'modelgate:shadow-close' };

/** What the shadow's process answers. */
export type FromShadow =
  | { type: 'modelgate:shadow-ready'; priority: LoweredPriority }
  | { type: 'modelgate:shadow-failed'; message: string }
  | { type: 'modelgate:shadow-result'; id: number; result?: InferResult; error?: string };

export function isShadowMessage<T extends { type: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' &&
    message !== null &&
    String((message as { type?: unknown }).type).startsWith('modelgate:shadow-')
  );
}
