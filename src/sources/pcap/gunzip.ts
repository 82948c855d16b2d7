import { createGunzip } from 'node:zlib';

/**
 * Passes chunks through unchanged, unless the input starts with the gzip magic: then it is
 * decompressed on the fly (rotated captures are often kept as `.pcap.gz`). Streaming either way.
 * A damaged or cut-off gzip stream ends the output with a warning pushed to `warnings`, so the
 * frames before the damage are still read.
 */
export async function* gunzipIfNeeded(chunks: AsyncIterable<Buffer>, warnings: string[]): AsyncGenerator<Buffer> {
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head: Buffer = first.value;
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
  if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b) {
    yield head;
    yield* rest;
    return;
  }
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  const drained = () => new Promise((resolve) => gunzip.once('drain', resolve));
  // Feed the compressed chunks in the background, honouring the decompressor's back-pressure.
  // Chunks may be reused by the source after the next read: zlib gets its own copy.
  void (async () => {
    try {
      if (!gunzip.write(Buffer.from(head))) await drained();
      for await (const c of rest) {
        if (gunzip.destroyed) return;
        if (!gunzip.write(Buffer.from(c))) await drained();
      }
      gunzip.end();
    } catch (e) {
      gunzip.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  })();
  try {
    for await (const out of gunzip) yield out as Buffer;
  } catch (e) {
    warnings.push(`gzip: ${e instanceof Error ? e.message : String(e)}; stopped there`);
  } finally {
    gunzip.destroy();
    void Promise.resolve(it.return?.()).catch(() => undefined);
  }
}
