/**
 * Every capture of the shared corpus (tcpdump's test captures, many deliberately malformed) must go
 * through the reader and decoder without throwing anything but CaptureFormatError, and without
 * hanging. Files run in a worker so that even a synchronous endless loop is caught by the watchdog.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { openCaptureFile, readCapture } from './reader.js';
import { CaptureFormatError } from './frame.js';
import { DecodingSink } from '../../decode/sink.js';
import { Decoded, PacketInfo, SKIP_REASON_NAMES, SkipReason } from '../../decode/packet.js';
import { PacketDecoder } from '../../decode/decoder.js';
import { execFileSync } from 'node:child_process';
import { missingTool, toolPath } from '../../testing/tools.js';

const CORPUS = resolve(process.cwd(), '../shared/corpus/captures');
/** A file that takes longer than this (the largest is a few MB) is hung. */
const PER_FILE_MS = 10_000;

interface FileResult {
  file: string;
  frames: number;
  decoded: number;
  held: number;
  drained: number;
  skips: number[];
  warnings: string[];
  formatError?: string;
  otherError?: string;
}

async function decodeFile(path: string): Promise<Omit<FileResult, 'file'>> {
  const sink = new DecodingSink(() => undefined);
  try {
    const stats = await readCapture(openCaptureFile(path), sink);
    sink.finish();
    return { frames: stats.frames, decoded: sink.decoded, held: sink.held, drained: sink.drained, skips: sink.skips, warnings: stats.warnings };
  } catch (e) {
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const base = { frames: 0, decoded: sink.decoded, held: sink.held, drained: sink.drained, skips: sink.skips, warnings: [] };
    return e instanceof CaptureFormatError ? { ...base, formatError: e.message } : { ...base, otherError: msg };
  }
}

if (!isMainThread) {
  const files = workerData as string[];
  for (const file of files) {
    parentPort?.postMessage({ start: file });
    parentPort?.postMessage({ result: { file, ...(await decodeFile(join(CORPUS, file))) } });
  }
  parentPort?.postMessage({ done: true });
} else {
  const present = existsSync(CORPUS);
  test('corpus: every capture decodes or fails cleanly, none hangs', { skip: present ? false : `no corpus at ${CORPUS}` }, async () => {
    const files = readdirSync(CORPUS).sort();
    const results = await runInWorker(files);
    const crashes = results.filter((r) => r.otherError !== undefined);
    assert.deepEqual(crashes.map((r) => `${r.file}: ${r.otherError}`), [], 'only CaptureFormatError may escape');

    const notCaptures = results.filter((r) => r.formatError !== undefined);
    const totals = new Array<number>(SKIP_REASON_NAMES.length).fill(0);
    let frames = 0;
    let decoded = 0;
    let withWarnings = 0;
    let held = 0;
    let drained = 0;
    for (const r of results) {
      frames += r.frames;
      decoded += r.decoded;
      held += r.held;
      drained += r.drained;
      if (r.warnings.length > 0) withWarnings++;
      r.skips.forEach((n, i) => (totals[i] += n));
    }
    const skipped = Object.fromEntries(totals.map((n, i) => [SKIP_REASON_NAMES[i], n]).filter(([, n], i) => i > 0 && Number(n) > 0));
    console.log(
      `corpus: ${files.length} files, ${frames} frames, ${decoded} decoded, ${held} fragments held (${drained} drained unmatched), ${withWarnings} files with warnings`,
    );
    console.log(`corpus: skipped by reason ${JSON.stringify(skipped)}`);
    console.log(`corpus: ${notCaptures.length} not captures: ${notCaptures.map((r) => `${r.file} (${r.formatError})`).join('; ')}`);
    assert.ok(notCaptures.length <= 10, 'only a few corpus files are not captures');

    // Files whose contents we know: they must yield IP packets.
    const byName = new Map(results.map((r) => [r.file, r]));
    for (const name of KNOWN_IP_FILES) {
      const r = byName.get(name);
      if (r === undefined) continue;
      assert.ok(r.decoded > 0, `${name} decodes IP packets (got ${JSON.stringify(r)})`);
    }
  });
}

/**
 * Files of the corpus known to hold IP traffic, one or two per link type, all well-formed: they are
 * also the tshark cross-check set.
 */
const KNOWN_IP_FILES = [
  'afs.pcap', // Ethernet
  'of13_ericsson.pcapng', // Ethernet, pcapng
  'resp_3_malicious.pcap', // Linux SLL
  'bgp-role.pcapng', // Linux SLL, pcapng
  'HDLC.pcap', // Cisco HDLC
  'mpls-traceroute.pcap', // PPP
  'quic_vn.pcap', // BSD loopback
  'babel_rtt.pcap', // raw IP
  'ipv6_mobility_1.pcap', // LINKTYPE_IPV6, mobility header
  'OSPFv3_NBMA_adjacencies.pcap', // Frame Relay
  'e1000g.pcap', // Solaris IPNET
  'nflog.pcap', // Linux NFLOG
  'ipoib.pcap', // IP over InfiniBand
  'LINKTYPE_PKTAP.pcap', // Apple PKTAP
];

const TSHARK = toolPath('tshark') ?? 'tshark';
const MERGECAP = toolPath('mergecap') ?? 'mergecap';
const EDITCAP = toolPath('editcap') ?? 'editcap';

interface TsharkFrame {
  /** IP-layer bytes of the outermost IP header, undefined for frames without IP. */
  ipBytes: number | undefined;
  /** Capture time, epoch ms (floor), from frame.time_epoch's text so no float rounding creeps in. */
  tsMs: number;
}

function tsharkFrames(path: string): TsharkFrame[] {
  const args = ['-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.protocols', '-e', 'ip.len', '-e', 'ipv6.plen'];
  const out = execFileSync(TSHARK, args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [time = '', protos = '', ipLen = '', v6Len = ''] = line.split('\t');
      const [sec, frac = ''] = time.split('.');
      const tsMs = Number(sec) * 1000 + Number((frac + '000').slice(0, 3));
      const layers = protos.split(':');
      const v4 = layers.indexOf('ip');
      const v6 = layers.indexOf('ipv6');
      let ipBytes: number | undefined;
      // Tunnelled / ICMP-quoted packets list several comma-separated values: the first is the outer one.
      if (v4 >= 0 && (v6 < 0 || v4 < v6) && ipLen !== '') ipBytes = Number(ipLen.split(',')[0]);
      else if (v6 >= 0 && v6Len !== '') ipBytes = 40 + Number(v6Len.split(',')[0]);
      return { ipBytes, tsMs };
    });
}

/** Our IP bytes per frame (held fragments included: they are counted later), undefined when skipped. */
async function ourFrames(path: string): Promise<TsharkFrame[]> {
  const decoder = new PacketDecoder();
  const info = new PacketInfo();
  const out: TsharkFrame[] = [];
  await readCapture(openCaptureFile(path), {
    frame(lt, buf, off, cap, orig, ts) {
      info.tsMs = ts;
      const r = decoder.decode(lt, buf, off, cap, orig, info);
      out.push({ ipBytes: r === Decoded || r === SkipReason.FRAGMENT_HELD ? info.ipBytes : undefined, tsMs: ts });
    },
  });
  return out;
}

function compareWithTshark(name: string, path: string, ours: TsharkFrame[]): void {
  const theirs = tsharkFrames(path);
  assert.equal(ours.length, theirs.length, `${name}: frame count`);
  let sumTheirs = 0;
  let sumOurs = 0;
  let ipFrames = 0;
  theirs.forEach((t, i) => {
    assert.equal(ours[i].tsMs, t.tsMs, `${name}: time of frame ${i + 1}`);
    if (t.ipBytes === undefined) return;
    ipFrames++;
    sumTheirs += t.ipBytes;
    sumOurs += ours[i].ipBytes ?? 0;
  });
  assert.ok(ipFrames > 0, `${name}: tshark sees IP`);
  assert.equal(sumOurs, sumTheirs, `${name}: IP bytes of the ${ipFrames} IP frames`);
}

/** Frame count plus a digest of link types, lengths, times and bytes. */
async function digest(input: AsyncIterable<Buffer>): Promise<string> {
  const h = createHash('sha256');
  const stats = await readCapture(input, {
    frame(lt, buf, off, cap, orig, ts) {
      h.update(`${lt}/${cap}/${orig}/${ts}/`);
      h.update(buf.subarray(off, off + cap));
    },
  });
  return `${stats.frames} ${stats.warnings.join('|')} ${h.digest('hex')}`;
}

async function* pieces(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let o = 0; o < b.length; o += size) yield b.subarray(o, o + size);
}

if (isMainThread) {
  test('corpus: 1-byte and odd-sized chunks give the same frames as whole files', { skip: existsSync(CORPUS) ? false : `no corpus at ${CORPUS}` }, async () => {
    const names = readdirSync(CORPUS).filter((f) => f.endsWith('.pcapng') || KNOWN_IP_FILES.includes(f));
    for (const name of names) {
      const file = readFileSync(join(CORPUS, name));
      const whole = await digest(pieces(file, file.length));
      assert.equal(await digest(pieces(file, file.length <= 200_000 ? 1 : 13)), whole, name);
      assert.equal(await digest(pieces(file, 4093)), whole, name);
    }
  });

  const skip = !existsSync(CORPUS) ? `no corpus at ${CORPUS}` : missingTool('tshark');
  test('corpus: frames, times and IP bytes agree with tshark', { skip }, async () => {
    for (const name of KNOWN_IP_FILES) {
      const path = join(CORPUS, name);
      if (existsSync(path)) compareWithTshark(name, path, await ourFrames(path));
    }
  });

  // Formats the corpus lacks, made from it with Wireshark's own tools: a pcapng with several
  // interfaces of different link types (mergecap), and nanosecond pcap (editcap).
  test('corpus: multi-interface pcapng and nanosecond pcap agree with tshark', { skip: skip || missingTool('mergecap', 'editcap') }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowmap-corpus-'));
    try {
      const merged = join(dir, 'merged.pcapng');
      const inputs = ['resp_3_malicious.pcap', 'quic_vn.pcap', 'HDLC.pcap', 'babel_rtt.pcap'].map((f) => join(CORPUS, f));
      execFileSync(MERGECAP, ['-F', 'pcapng', '-w', merged, ...inputs], { stdio: 'ignore' });
      const ours = await ourFrames(merged);
      compareWithTshark('merged.pcapng', merged, ours);
      const nsec = join(dir, 'nsec.pcap');
      execFileSync(EDITCAP, ['-F', 'nsecpcap', join(CORPUS, 'afs.pcap'), nsec], { stdio: 'ignore' });
      compareWithTshark('afs nsecpcap', nsec, await ourFrames(nsec));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function runInWorker(files: string[]): Promise<FileResult[]> {
  return new Promise((resolvePromise, reject) => {
    const results: FileResult[] = [];
    const worker = new Worker(new URL(import.meta.url), { workerData: files });
    let current = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`corpus file ${current} did not finish within ${PER_FILE_MS} ms (hang)`));
      }, PER_FILE_MS);
    };
    worker.on('message', (m: { start?: string; result?: FileResult; done?: boolean }) => {
      if (m.start !== undefined) {
        current = m.start;
        arm();
      } else if (m.result !== undefined) results.push(m.result);
      else if (m.done) {
        clearTimeout(timer);
        void worker.terminate();
        resolvePromise(results);
      }
    });
    worker.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`corpus worker failed on ${current}: ${e.message}`));
    });
  });
}
