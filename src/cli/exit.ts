import { CaptureFormatError } from '../sources/pcap/frame.js';
import { diskFullDetail, isDiskFull } from '../util/disk-full.js';
import { FlowmapError, UsageError } from '../util/errors.js';

/** Exit codes (design notes): 0 success, 1 failure, 2 bad usage or unreadable input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure already reported to the user; carries the exit code. */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

/** One line for people on stderr, prefixed with the program name. */
export function say(message: string): void {
  process.stderr.write(`flowmap: ${message}\n`);
}

/** Turn any error into a message and an exit code; stack traces only with FLOWMAP_DEBUG=1. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof ExitError) {
    if (e.message) say(e.message);
    return e.code;
  }
  if (e instanceof UsageError || e instanceof FlowmapError) {
    say(e.message);
    return e.exitCode;
  }
  if (e instanceof CaptureFormatError) {
    say(e.message);
    return EXIT_USAGE;
  }
  if (isDiskFull(e)) {
    // Every write is one transaction: what was committed before stays, and the store still opens.
    say(`the store's disk is full: ${diskFullDetail(e)}; nothing of the batch in hand was stored (free space and run again)`);
    return EXIT_FAILURE;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const sys = err as NodeJS.ErrnoException;
  if (sys.code === 'ENOENT' || sys.code === 'EACCES' || sys.code === 'EISDIR') {
    say(err.message);
    return EXIT_USAGE;
  }
  say(process.env.FLOWMAP_DEBUG ? (err.stack ?? err.message) : err.message);
  return EXIT_FAILURE;
}

/** Wrap a command action so that errors become messages and exit codes. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? EXIT_OK;
    } catch (e) {
      process.exitCode = exitCodeFor(e);
    }
  };
}
