/**
 * Expected failures. The CLI prints `message` (no stack) and exits with `exitCode`:
 * 2 for bad usage or unreadable input, 1 for other expected failures.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected runtime failure (database locked, backend unreachable): exit 1, no stack trace. */
export class FlowmapError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlowmapError';
  }
}
