import type { BufferedRequest } from '../../prediction-log/rows.js';
import type { RequestLogEntry, ShadowLines, ShadowLinesFiles } from '../../prediction-log/types.js';
import type { InlineChoice } from '../inline-session.js';
import type { ServeOptions } from '../options.js';

/** What an acceptor is started with: the server's options less what cannot cross a process boundary. */
export type AcceptorServeOptions = Omit<ServeOptions, 'log' | 'predictionLog'>;

/** How the acceptor's stand-in for the primary's prediction log behaves. */
export interface ForwardedLogSettings {
  /** Whether the primary's log keeps per-request lines (`request()`), so they are worth sending. */
  requests: boolean;
  /** The primary log's sampling, applied in the acceptor so sampled-out rows never cross the pipe. */
  sampling?: { sampleRate: number; seed: number };
  /** Whether the primary's log takes a shadow's rows as ready lines (`recordShadowLines`). */
  shadowLines: boolean;
  /** Where a shadow's process appends those lines itself, beside the primary's log. */
  shadowLinesFiles?: ShadowLinesFiles;
}

/**
 * `--inline auto`'s choices by model sha256, timed by one acceptor and handed to the others, so that
 * every acceptor runs a model on the same thread (timings taken side by side would differ by chance).
 */
export type InlineChoices = Record<string, InlineChoice>;

export type ToAcceptor =
  | {
      type: 'modelgate:start';
      index: number;
      options: AcceptorServeOptions;
      log?: ForwardedLogSettings;
      inline: InlineChoices;
    }
  | { type: 'modelgate:reload'; id: number; inline: InlineChoices }
  | { type: 'modelgate:close' }
  | { type: 'modelgate:metrics-text'; id: number; text?: string; error?: string }
  | { type: 'modelgate:log-flushed' };

export type ToPrimary =
  /** Sent once the acceptor listens for messages: before that, a message to it would be lost. */
  | { type: 'modelgate:hello' }
  | { type: 'modelgate:listening'; url: string; inline: InlineChoices }
  | { type: 'modelgate:failed'; message: string; userError: boolean }
  | { type: 'modelgate:log-line'; line: object }
  /** Access-log lines, sent together (see LogForwarder). */
  | { type: 'modelgate:log-lines'; lines: object[] }
  | {
      type: 'modelgate:predictions';
      predictions: BufferedRequest[];
      requests: RequestLogEntry[];
      shadowLines: ShadowLines[];
      /** Set on the acceptor's last batch (it is closing): answered with `log-flushed`. */
      last?: boolean;
    }
  | { type: 'modelgate:metrics'; id: number }
  | { type: 'modelgate:reloaded'; id: number; error?: string; inline: InlineChoices };

/** Messages of our own protocol; prom-client's cluster messages share the channel. */
export function isOurs<T extends { type: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string' &&
    (message as { type: string }).type.startsWith('modelgate:')
  );
}
