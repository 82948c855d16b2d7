// Sections: the decoding sink alone, and with the host-name peeks (passive DNS, TLS SNI, HTTP Host)
// that the ingest path runs. Their ratio is what the peeks cost on the hot path.
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR } from './gen.mjs';
import { fmt } from './lib.mjs';

const DIST = join(BENCH_DIR, '..', 'dist');
const need = ['sources/pcap/reader.js', 'decode/sink.js', 'names/collector.js'].map((p) => join(DIST, p));

async function run(file, withNames) {
  const [reader, sinkMod, collectorMod] = await Promise.all(need.map((p) => import(pathToFileURL(p).href)));
  const names = new collectorMod.NameCollector();
  let payloads = 0;
  // The same shape as the ingest path's packet callback.
  const onPacket = withNames
    ? (info, buf) => {
        if (buf !== undefined && info.payloadEnd > info.payloadStart) {
          payloads++;
          names.peek(buf, info);
        }
      }
    : () => undefined;
  const sink = new sinkMod.DecodingSink(onPacket);
  const t0 = performance.now();
  await reader.readCapture(reader.openCaptureFile(file), sink);
  sink.finish();
  return { ms: performance.now() - t0, decoded: sink.decoded, payloads, names: names.size };
}

const prepare = () => {
  const missing = need.filter((p) => !existsSync(p));
  return missing.length ? `not built: ${missing.map((p) => p.slice(DIST.length + 1)).join(', ')}` : null;
};

export const sinkOnly = {
  name: 'decoding sink',
  prepare,
  async once(ctx) {
    const r = await run(ctx.file, false);
    return { ms: r.ms, note: `${fmt(r.decoded)} decoded` };
  },
};

export const sinkNames = {
  name: 'sink + name peeks',
  prepare,
  async once(ctx) {
    const r = await run(ctx.file, true);
    return { ms: r.ms, note: `${fmt(r.payloads)} payloads peeked, ${fmt(r.names)} names` };
  },
};
