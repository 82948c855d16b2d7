// The benchmark capture: a deterministic lab capture in bench/out/, reused when the same
// parameters (and generator version) already produced one.
import { performance } from 'node:perf_hooks';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(BENCH_DIR, 'out');

/**
 * The home lab with its TCP conversations (sizes and rounds) and UDP/ICMP rounds scaled by one factor,
 * found by bisection so the expected packets per conversation (lab-budget.js) is packets / flows:
 * `flows` ~5,000 at 2 M packets gives long transfers, ~200,000 short exchanges (mostly DNS-like).
 */
async function siteForFlows(packets, flows) {
  const { HOME_LAB } = await import('../dist/gen/lab-hosts.js');
  const { expectedConversation } = await import('../dist/gen/lab-budget.js');
  const { Proto } = await import('../dist/util/protocols.js');
  const scale = (f) => {
    const r = (v) => Math.max(1, Math.round(v * f));
    const templates = HOME_LAB.templates.map((t) => {
      const rounds = [r(t.rounds[0]), Math.max(r(t.rounds[0]), r(t.rounds[1]))];
      if (t.proto !== Proto.TCP) return { ...t, rounds };
      const sz = ([lo, hi]) => [r(lo), Math.max(r(lo), r(hi))];
      return { ...t, rounds, req: sz(t.req), resp: sz(t.resp) };
    });
    return { ...HOME_LAB, templates };
  };
  const mean = (site) => {
    let w = 0;
    let p = 0;
    for (const t of site.templates) {
      w += t.weight;
      p += t.weight * expectedConversation(t).packets;
    }
    return p / w;
  };
  const want = packets / flows;
  let lo = 1e-3;
  let hi = 1e3;
  for (let i = 0; i < 60; i++) {
    const mid = Math.sqrt(lo * hi);
    if (mean(scale(mid)) < want) lo = mid;
    else hi = mid;
  }
  return scale(Math.sqrt(lo * hi));
}

/**
 * @param {{ packets: number, snaplen: number, seed: number, format: 'pcap' | 'pcapng', flows?: number }} p
 *   flows: about this many conversations (0 or absent: the home lab's own mix, ~13 k per M packets)
 * @returns {Promise<{ file: string, frames: number, ipFrames: number, fileBytes: number, cached: boolean, genMs: number }>}
 */
export async function ensureCapture(p) {
  const { LabGenerator, LAB_VERSION } = await import('../dist/gen/lab.js');
  mkdirSync(OUT_DIR, { recursive: true });
  const base = `lab-${p.packets}-snap${p.snaplen}-seed${p.seed}${p.flows ? `-flows${p.flows}` : ''}-v${LAB_VERSION}`;
  const file = join(OUT_DIR, `${base}.${p.format}`);
  const metaFile = join(OUT_DIR, `${base}.${p.format}.json`);
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.fileBytes === statSync(file).size) return { ...meta, file, cached: true };
  }
  const t0 = performance.now();
  const tmp = `${file}.tmp`;
  // Default pacing: 2,000 packets/s of capture time (3 M packets = 25 minutes).
  const site = p.flows ? await siteForFlows(p.packets, p.flows) : undefined;
  const gen = new LabGenerator({ packets: p.packets, snaplen: p.snaplen, seed: p.seed, format: p.format, site });
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
