/** An error with the HTTP status the client should see; the message goes out as `{"error": ...}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);
export const unavailable = (message: string, retryAfterSeconds = 1) =>
  new HttpError(503, message, { 'retry-after': String(retryAfterSeconds) });
export const tooManyRequests = (message: string, retryAfterSeconds = 1) =>
  new HttpError(429, message, { 'retry-after': String(retryAfterSeconds) });
