// Section: reader + packet decoder only (no flow table, no store), in this process.
// Also runnable alone: node bench/decode-only.mjs FILE [reps]
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR } from './gen.mjs';
import { fmt } from './lib.mjs';

const DIST = join(BENCH_DIR, '..', 'dist');
const need = ['sources/pcap/reader.js', 'decode/decoder.js', 'decode/packet.js'].map((p) => join(DIST, p));

async function modules() {
  const [reader, decoder, packet] = await Promise.all(need.map((p) => import(pathToFileURL(p).href)));
  return { readCapture: reader.readCapture, openCaptureFile: reader.openCaptureFile, PacketDecoder: decoder.PacketDecoder, PacketInfo: packet.PacketInfo };
}

/** Read + decode every frame of `file`; returns frames, decoded packets and wall ms. */
export async function decodeFile(file) {
  const { readCapture, openCaptureFile, PacketDecoder, PacketInfo } = await modules();
  const decoder = new PacketDecoder();
  const info = new PacketInfo();
  let frames = 0;
  let decoded = 0;
  let ipBytes = 0;
  const sink = {
    frame(linkType, buf, off, capLen, origLen, tsMs) {
      frames++;
      info.tsMs = tsMs;
      if (decoder.decode(linkType, buf, off, capLen, origLen, info) === 0) {
        decoded++;
        ipBytes += info.ipBytes;
      }
    },
  };
  const t0 = performance.now();
  await readCapture(openCaptureFile(file), sink);
  return { frames, decoded, ipBytes, ms: performance.now() - t0 };
}

export const decodeOnly = {
  name: 'reader+decoder only',
  prepare() {
    const missing = need.filter((p) => !existsSync(p));
    return missing.length ? `not built: ${missing.map((p) => p.slice(DIST.length + 1)).join(', ')}` : null;
  },
  async once(ctx) {
    const r = await decodeFile(ctx.file);
    const note = r.frames !== ctx.frames ? `read ${r.frames} of ${ctx.frames} frames` : `${fmt(r.decoded)} decoded`;
    return { ms: r.ms, note };
  },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/decode-only.mjs FILE [reps]\n');
    process.exit(2);
  }
  const reps = Number(process.argv[3] ?? 3);
  let best = Infinity;
  let last;
  for (let i = 0; i < reps; i++) {
    last = await decodeFile(file);
    best = Math.min(best, last.ms);
  }
  process.stdout.write(`${fmt(last.frames)} frames, ${fmt(last.decoded)} decoded, best ${best.toFixed(0)} ms = ${fmt((last.frames / best) * 1000)} frames/s\n`);
}
