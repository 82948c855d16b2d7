/**
 * Ends an async stream of chunks as soon as the signal aborts, also while a read is pending (a quiet
 * pipe on stdin must not keep SIGINT from stopping the ingest). The source is closed on the way out.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) {
    yield* source;
    return;
  }
  const it = source[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    for (;;) {
      const r = await Promise.race([it.next(), aborted]);
      if (r === 'aborted' || r.done) return;
      yield r.value;
    }
  } finally {
    // Close the source (destroys a stream), but never wait long for a source that cannot stop.
    await Promise.race([Promise.resolve(it.return?.()).catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}
