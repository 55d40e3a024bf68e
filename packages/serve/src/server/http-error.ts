/** An error with the HTTP status the client should see; the message goes out as `{"error": ...}`. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    // The client is told what was wrong; a stack would only cost a refused request its capture.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);
export const unavailable = (message: string, retryAfterSeconds = 1) =>
  new HttpError(503, message, { 'retry-after': String(retryAfterSeconds) });
export const tooManyRequests = (message: string, retryAfterSeconds = 1) =>
  new HttpError(429, message, { 'retry-after': String(retryAfterSeconds) });

/** A body the content-type parser could not read: the route answers 400 on a connection kept open. */
export class MalformedBody {
  constructor(readonly message: string) {}
}
