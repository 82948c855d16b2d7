/**
 * Live capture end to end in two network namespaces joined by a veth pair: a real HTTP server in
 * one, curl + tcpdump in the other. Checks the tcpdump stream (startTcpdump) against tshark, then
 * the real `flowmap capture` path: one stored conversation per curl, bytes each way = tshark's sum
 * of ip.len. Needs root and `ip netns`; skipped otherwise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { joinNamespaces, removeNamespaces, run } from '../../testing/netns.js';
import { startTcpdump, type LiveCapture } from './tcpdump.js';

const tag = `${process.pid % 100000}`;
const NS_SRV = `fmsrv${tag}`;
const NS_CLI = `fmcli${tag}`;
const IF_SRV = `fmvs${tag}`;
const IF_CLI = `fmvc${tag}`;
const net = 16 + (process.pid % 200);
const SRV = `10.231.${net}.1`;
const CLI = `10.231.${net}.2`;
const PORT = 8080;
const PAIR = { srvNs: NS_SRV, srvIf: IF_SRV, srv: SRV, cliNs: NS_CLI, cliIf: IF_CLI, cli: CLI };
const CLI_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'main.js');

function probe(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  const name = `fmprobe${tag}`;
  if (spawnSync('ip', ['netns', 'add', name], { stdio: 'ignore' }).status !== 0) return '`ip netns add` failed';
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  for (const tool of ['tcpdump', 'tshark', 'curl']) {
    if (spawnSync('which', [tool], { stdio: 'ignore' }).status !== 0) return `${tool} not installed`;
  }
  return false;
}
const skip = probe();

const inNs = (ns: string, cmd: string, ...args: string[]): string => run('ip', ['netns', 'exec', ns, cmd, ...args]);

/** Per direction IP bytes/packets and connections, as tshark reads the file. */
interface Wire {
  c2s: { bytes: number; packets: number };
  s2c: { bytes: number; packets: number };
  /** client port -> bytes/packets each way */
  conns: Map<number, { bytesC2s: number; bytesS2c: number; packetsC2s: number; packetsS2c: number }>;
  syns: number;
}

function tsharkWire(file: string): Wire {
  const out = execFileSync(
    'tshark',
    ['-r', file, '-n', '-Y', `tcp && ip.addr==${SRV} && ip.addr==${CLI}`, '-T', 'fields', '-E', 'separator=\t', '-e', 'ip.src', '-e', 'ip.len', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.flags.syn', '-e', 'tcp.flags.ack'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const w: Wire = { c2s: { bytes: 0, packets: 0 }, s2c: { bytes: 0, packets: 0 }, conns: new Map(), syns: 0 };
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [src, len, sp, dp, syn, ack] = line.split('\t');
    const toServer = src === CLI;
    const bytes = Number(len);
    const port = Number(toServer ? sp : dp);
    const c = w.conns.get(port) ?? { bytesC2s: 0, bytesS2c: 0, packetsC2s: 0, packetsS2c: 0 };
    if (toServer) {
      w.c2s.bytes += bytes;
      w.c2s.packets++;
      c.bytesC2s += bytes;
      c.packetsC2s++;
    } else {
      w.s2c.bytes += bytes;
      w.s2c.packets++;
      c.bytesS2c += bytes;
      c.packetsS2c++;
    }
    w.conns.set(port, c);
    if ((syn === '1' || syn === 'True') && !(ack === '1' || ack === 'True')) w.syns++;
  }
  return w;
}

/** Minimal independent pcap walk: frame count, link type, IPv4/TCP packets between the two hosts. */
function walkPcap(buf: Buffer): { linkType: number; frames: number; tcp: number; bytes: number } {
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  assert.ok(le || buf.readUInt32BE(0) === 0xa1b2c3d4 || buf.readUInt32BE(0) === 0xa1b23c4d, 'pcap magic');
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = u32(20);
  let off = 24;
  let frames = 0;
  let tcp = 0;
  let bytes = 0;
  const srv = Buffer.from(SRV.split('.').map(Number));
  const cli = Buffer.from(CLI.split('.').map(Number));
  while (off + 16 <= buf.length) {
    const cap = u32(off + 8);
    const f = off + 16;
    assert.ok(f + cap <= buf.length, 'record inside the stream');
    frames++;
    if (linkType === 1 && cap >= 34 && buf.readUInt16BE(f + 12) === 0x0800 && buf[f + 23] === 6) {
      const s = buf.subarray(f + 26, f + 30);
      const d = buf.subarray(f + 30, f + 34);
      if ((s.equals(srv) && d.equals(cli)) || (s.equals(cli) && d.equals(srv))) {
        tcp++;
        bytes += buf.readUInt16BE(f + 16);
      }
    }
    off = f + cap;
  }
  assert.equal(off, buf.length, 'stream ends on a record boundary');
  return { linkType, frames, tcp, bytes };
}

async function collect(cap: LiveCapture): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of cap.chunks) parts.push(c);
  return Buffer.concat(parts);
}

function curl(path: string): void {
  const code = inNs(NS_CLI, 'curl', '--noproxy', '*', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${SRV}:${PORT}${path}`);
  assert.equal(code, '200');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Run a command without blocking this process's event loop. */
function runAsync(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Wait until a tcpdump other than `exceptPid` runs in the namespace (flowmap's own), plus a margin to open the socket. */
async function tcpdumpStarted(ns: string, exceptPid: number | undefined, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 300 && !gone; i++) {
    const pids = run('ip', ['netns', 'pids', ns]).split('\n').filter((p) => p && Number(p) !== exceptPid);
    const comm = pids.map((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      } catch {
        return ''; // already gone
      }
    });
    if (comm.includes('tcpdump')) {
      await sleep(1000);
      return;
    }
    await sleep(100);
  }
  if (!gone) throw new Error('flowmap capture did not start tcpdump within 30 s');
}

describe('live capture in network namespaces', { skip }, () => {
  let dir = '';
  let server: ChildProcess | null = null;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-live-'));
    joinNamespaces(PAIR);
    // /bytes/N answers N bytes at once; /slow/N sends N chunks of 2000 bytes, one every 200 ms.
    const script =
      "const http=require('http');http.createServer((q,r)=>{const n=Number((/\\d+/.exec(q.url)||['1000'])[0]);" +
      "if(q.url.startsWith('/slow/')){r.writeHead(200,{'content-type':'application/octet-stream','content-length':n*2000});" +
      "let k=0;const t=setInterval(()=>{r.write(Buffer.alloc(2000,121));if(++k>=n){clearInterval(t);r.end();}},200);return;}" +
      "r.writeHead(200,{'content-type':'application/octet-stream','content-length':n});r.end(Buffer.alloc(n,120));})" +
      `.listen(${PORT},'0.0.0.0',()=>console.log('listening'));`;
    const srv = spawn('ip', ['netns', 'exec', NS_SRV, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    server = srv;
    await new Promise<void>((resolve, reject) => {
      srv.stdout?.once('data', () => resolve());
      srv.once('exit', (code) => reject(new Error(`HTTP server exited (${code})`)));
    });
  });

  after(() => {
    server?.kill('SIGTERM');
    removeNamespaces(PAIR);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('startTcpdump streams a valid pcap matching tshark', async () => {
    const cap = startTcpdump({ iface: IF_CLI, netns: NS_CLI, snaplen: 128 });
    assert.equal(await cap.ready, true, 'tcpdump is listening');
    const bytesP = collect(cap);
    for (const size of [1000, 150_000, 40_000]) curl(`/bytes/${size}`);
    await sleep(300);
    cap.stop();
    const stream = await bytesP;
    const result = await cap.done;
    assert.equal(result.error, undefined);
    assert.equal(result.code, 0);

    const file = join(dir, 'live.pcap');
    writeFileSync(file, stream);
    const mine = walkPcap(stream);
    const wire = tsharkWire(file);
    assert.equal(mine.linkType, 1, 'Ethernet');
    assert.equal(result.captured, mine.frames, "tcpdump's own count = frames in the stream");
    assert.equal(wire.syns, 3, 'three connections');
    assert.equal(mine.tcp, wire.c2s.packets + wire.s2c.packets, 'TCP packets between the hosts');
    assert.equal(mine.bytes, wire.c2s.bytes + wire.s2c.bytes, 'IP bytes between the hosts');
    assert.ok(wire.s2c.bytes > 190_000, 'the responses are in the capture');
  });

  it('flowmap capture stores the conversations with tshark-exact bytes', { skip: existsSync(CLI_MAIN) ? false : 'dist/cli/main.js not built' }, async () => {
    const db = join(dir, 'live.duckdb');
    // The reference capture runs beside flowmap's own tcpdump on the same interface.
    const ref = startTcpdump({ iface: IF_CLI, netns: NS_CLI });
    assert.equal(await ref.ready, true);
    const refBytes = collect(ref);
    // --duration is only a safety net: the test stops it with SIGINT once the requests are done.
    const fm = spawn('ip', ['netns', 'exec', NS_CLI, process.execPath, CLI_MAIN, '--db', db, 'capture', '-i', IF_CLI, '--duration', '60', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    fm.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    fm.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exit = new Promise<number | null>((resolve) => fm.on('close', (code) => resolve(code)));
    await tcpdumpStarted(NS_CLI, ref.pid, exit);
    for (const size of [2000, 300_000, 50_000]) curl(`/bytes/${size}`);
    await sleep(300);
    fm.kill('SIGINT'); // ip netns exec execs node: this pid is flowmap itself
    const code = await exit;
    ref.stop();
    const file = join(dir, 'ref.pcap');
    writeFileSync(file, await refBytes);
    assert.equal(code, 0, `flowmap capture failed: ${err.trim()}`);
    assert.match(out, /\{/, 'JSON summary on stdout');

    const wire = tsharkWire(file);
    assert.equal(wire.syns, 3);
    const { openStore } = await import('../../store/open.js');
    const store = await openStore(db);
    try {
      const rows = await store.top('flows', { subnets: [], excludes: [], hosts: [], clients: [], servers: [], ports: [], protos: [], exporters: [], interfaces: [], limit: 1000 });
      const mine = rows.filter((r) => r.client === CLI && r.server === SRV && r.port === PORT && r.proto === 'tcp');
      assert.equal(mine.length, 3, `one conversation per curl: ${JSON.stringify(rows)}`);
      for (const r of mine) {
        const w = wire.conns.get(r.client_port);
        assert.ok(w, `client port ${r.client_port} seen by tshark`);
        assert.deepEqual(
          { bytesC2s: r.bytes_c2s, bytesS2c: r.bytes_s2c, packetsC2s: r.packets_c2s, packetsS2c: r.packets_s2c },
          w,
          `conversation from port ${r.client_port}`,
        );
      }
    } finally {
      await store.close();
    }
  });

  it('long flows reach the store while the capture runs (active timeout), readable by flowmap top; SIGTERM stores the rest', { skip: existsSync(CLI_MAIN) ? false : 'dist/cli/main.js not built' }, async () => {
    const db = join(dir, 'long.duckdb');
    const config = join(dir, 'flowmap.yaml');
    writeFileSync(config, 'flows:\n  activeTimeout: 2s\n  idleTimeout: 30s\n');
    const ref = startTcpdump({ iface: IF_CLI, netns: NS_CLI });
    assert.equal(await ref.ready, true);
    const refBytes = collect(ref);
    const fm = spawn('ip', ['netns', 'exec', NS_CLI, process.execPath, CLI_MAIN, '--config', config, '--db', db, 'capture', '-i', IF_CLI], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    fm.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exit = new Promise<number | null>((resolve) => fm.on('close', (code) => resolve(code)));
    for (let i = 0; i < 300 && !/capturing on/.test(err); i++) await sleep(100);
    assert.match(err, /capturing on/, `flowmap capture did not report listening: ${err}`);
    await sleep(500);
    // A 6-second download: the capture must store parts of it before it ends.
    const dl = spawn('ip', ['netns', 'exec', NS_CLI, 'curl', '--noproxy', '*', '-s', '-o', '/dev/null', `http://${SRV}:${PORT}/slow/30`], { stdio: 'ignore' });
    const dlDone = new Promise<number | null>((resolve) => dl.on('close', (code) => resolve(code)));
    let finished = false;
    void dlDone.then(() => (finished = true));
    // Ask while the download runs (asynchronously, so this process keeps reading its children).
    let partialBytes = 0;
    let lastAnswer = '';
    await sleep(2000);
    while (!finished && partialBytes === 0) {
      const during = await runAsync(process.execPath, [CLI_MAIN, '--db', db, 'top', '--by', 'flows', '--host', SRV, '--json']);
      assert.equal(during.code, 0, `flowmap top during the capture: ${during.stderr}`);
      lastAnswer = during.stdout;
      const seen = (JSON.parse(during.stdout) as Array<{ client: string; port: number; bytes_s2c: number }>).find((r) => r.client === CLI && r.port === PORT);
      if (seen && !finished) partialBytes = seen.bytes_s2c;
      else await sleep(250);
    }
    assert.ok(partialBytes > 0, `part of the running download was stored before it ended: ${lastAnswer}`);
    assert.ok(partialBytes < 60_000, `and only part of it: ${partialBytes}`);
    assert.equal(await dlDone, 0);
    await sleep(300);
    fm.kill('SIGTERM');
    assert.equal(await exit, 0, `flowmap capture: ${err}`);
    ref.stop();
    const file = join(dir, 'long.pcap');
    writeFileSync(file, await refBytes);
    const wire = tsharkWire(file);
    assert.equal(wire.syns, 1);
    const after = spawnSync(process.execPath, [CLI_MAIN, '--db', db, 'top', '--by', 'flows', '--host', SRV, '--json'], { encoding: 'utf8' });
    const rows = JSON.parse(after.stdout) as Array<{ client: string; client_port: number; bytes_c2s: number; bytes_s2c: number; packets_c2s: number; packets_s2c: number; records: number }>;
    assert.equal(rows.length, 1, after.stdout);
    const r = rows[0];
    assert.ok(r.records >= 2, `cut into several records by the 2 s active timeout: ${r.records}`);
    assert.deepEqual(
      { bytesC2s: r.bytes_c2s, bytesS2c: r.bytes_s2c, packetsC2s: r.packets_c2s, packetsS2c: r.packets_s2c },
      wire.conns.get(r.client_port),
      'the records sum to what crossed the wire',
    );
  });
});
