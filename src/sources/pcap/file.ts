import { open } from 'node:fs/promises';

/** Read size for capture files: large reads keep syscall and per-chunk costs negligible. */
export const FILE_CHUNK = 4 * 1024 * 1024;

/**
 * Chunks of a capture file, or of standard input for '-'. Files are read into two reused buffers,
 * the next read running (in libuv's thread pool) while the consumer parses the current chunk. A
 * chunk is only valid until the consumer asks for the next one (readCapture copies what it carries
 * over before that); consumers that keep chunks must copy them.
 */
export function openCaptureFile(path: string): AsyncIterable<Buffer> {
  if (path === '-') return process.stdin;
  return readDoubleBuffered(path);
}

async function* readDoubleBuffered(path: string): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  const bufs = [Buffer.allocUnsafe(FILE_CHUNK), Buffer.allocUnsafe(FILE_CHUNK)];
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    let i = 0;
    pending = fh.read(bufs[0], 0, FILE_CHUNK, null);
    for (;;) {
      const { bytesRead } = await pending;
      pending = null;
      if (bytesRead === 0) return;
      const cur = bufs[i];
      i ^= 1;
      // Reads are sequential (position null), so starting the next one now keeps file order.
      pending = fh.read(bufs[i], 0, FILE_CHUNK, null);
      yield bytesRead === FILE_CHUNK ? cur : cur.subarray(0, bytesRead);
    }
  } finally {
    if (pending !== null) await pending.catch(() => undefined);
    await fh.close();
  }
}
