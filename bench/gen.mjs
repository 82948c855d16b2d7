// The benchmark capture: a deterministic lab capture in bench/out/, reused when the same
// parameters (and generator version) already produced one.
import { performance } from 'node:perf_hooks';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(BENCH_DIR, 'out');

/**
 * @param {{ packets: number, snaplen: number, seed: number, format: 'pcap' | 'pcapng' }} p
 * @returns {Promise<{ file: string, frames: number, ipFrames: number, fileBytes: number, cached: boolean, genMs: number }>}
 */
export async function ensureCapture(p) {
  const { LabGenerator, LAB_VERSION } = await import('../dist/gen/lab.js');
  mkdirSync(OUT_DIR, { recursive: true });
  const base = `lab-${p.packets}-snap${p.snaplen}-seed${p.seed}-v${LAB_VERSION}`;
  const file = join(OUT_DIR, `${base}.${p.format}`);
  const metaFile = join(OUT_DIR, `${base}.${p.format}.json`);
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.fileBytes === statSync(file).size) return { ...meta, file, cached: true };
  }
  const t0 = performance.now();
  const tmp = `${file}.tmp`;
  // Default pacing: 2,000 packets/s of capture time (3 M packets = 25 minutes).
  const gen = new LabGenerator({ packets: p.packets, snaplen: p.snaplen, seed: p.seed, format: p.format });
  const truth = gen.writeFile(tmp);
  renameSync(tmp, file);
  const genMs = performance.now() - t0;
  const meta = {
    frames: truth.frames,
    ipFrames: truth.ipFrames,
    fileBytes: truth.fileBytes,
    conversations: truth.conversations.length,
    genMs,
  };
  writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  return { ...meta, file, cached: false };
}
