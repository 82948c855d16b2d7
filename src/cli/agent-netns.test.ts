/**
 * `flowmap agent` in a network namespace (`ip netns exec`): it must report that namespace's sockets
 * and addresses only, with the processes behind them, every one of its 800 connection ends found.
 * Needs root and `ip netns`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../testing/cli.js';
import { parseSnapshot, type AgentSnapshot } from '../sources/agent/snapshot.js';

const tag = `${process.pid % 100000}`;
const NS = `fmagent${tag}`;
const ADDR = `10.250.${process.pid % 250}.1`;

function probe(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  const name = `fmprobe${tag}`;
  if (spawnSync('ip', ['netns', 'add', name], { stdio: 'ignore' }).status !== 0) return '`ip netns add` failed';
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  return false;
}
const skip = probe();

function run(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** Connections over loopback besides the one over the namespace's address: many sockets, each to be found. */
const MANY = 400;

// A TCP listener on every address, a connection to it over the namespace's own address, MANY more over
// loopback, a UDP socket.
const CHILD = `
import net from 'node:net';
import dgram from 'node:dgram';
const connect = (port, host) => new Promise((resolve) => { const c = net.connect(port, host, () => resolve(c)); });
const srv = net.createServer(() => {}).listen(0, '0.0.0.0', async () => {
  const port = srv.address().port;
  const c = await connect(port, process.argv[2]);
  const many = await Promise.all(Array.from({ length: ${MANY} }, () => connect(port, '127.0.0.1')));
  const u = dgram.createSocket('udp4');
  u.bind(0, () => process.stdout.write(JSON.stringify({ port, client: c.localPort, udp: u.address().port, many: many.map((m) => m.localPort) }) + '\\n'));
});
setInterval(() => {}, 1000);
`;

describe('flowmap agent in a network namespace', { skip }, () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let ports: { port: number; client: number; udp: number; many: number[] };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fm-agent-ns-'));
    writeFileSync(join(dir, 'child.mjs'), CHILD);
    run('netns', 'add', NS);
    run('-n', NS, 'link', 'set', 'lo', 'up');
    // A veth pair inside the namespace gives it an address of its own (no dummy module everywhere).
    run('-n', NS, 'link', 'add', 'fmva', 'type', 'veth', 'peer', 'name', 'fmvb');
    run('-n', NS, 'addr', 'add', `${ADDR}/24`, 'dev', 'fmva');
    run('-n', NS, 'link', 'set', 'fmva', 'up');
    run('-n', NS, 'link', 'set', 'fmvb', 'up');
    child = spawn('ip', ['netns', 'exec', NS, process.execPath, join(dir, 'child.mjs'), ADDR], { stdio: ['ignore', 'pipe', 'inherit'] });
    ports = await new Promise((resolve, reject) => {
      let out = '';
      child?.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.endsWith('\n')) resolve(JSON.parse(out));
      });
      child?.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
  });

  after(() => {
    child?.kill();
    spawnSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows only the namespace\'s sockets and addresses, with their process', async () => {
    const r = await startCli(['agent', '--once', '--json'], { prefix: ['ip', 'netns', 'exec', NS] }).done;
    assert.equal(r.code, 0, r.stderr);
    const parsed = parseSnapshot(JSON.parse(r.stdout));
    assert.ok(parsed.ok);
    const s: AgentSnapshot = parsed.snapshot;
    const pid = child?.pid ?? -1;
    const key = (x: AgentSnapshot['sockets'][number]) => `${x.proto} ${x.state} ${x.local_addr}:${x.local_port} ${x.remote_addr}:${x.remote_port} ${x.pid}`;
    assert.deepEqual(s.sockets.map(key).sort(), [
      `tcp listen 0.0.0.0:${ports.port} null:null ${pid}`,
      `tcp established ${ADDR}:${ports.client} ${ADDR}:${ports.port} ${pid}`,
      `tcp established ${ADDR}:${ports.port} ${ADDR}:${ports.client} ${pid}`,
      `udp listen 0.0.0.0:${ports.udp} null:null ${pid}`,
      ...ports.many.flatMap((p) => [
        `tcp established 127.0.0.1:${p} 127.0.0.1:${ports.port} ${pid}`,
        `tcp established 127.0.0.1:${ports.port} 127.0.0.1:${p} ${pid}`,
      ]),
    ].sort());
    assert.equal(s.sockets.length, 4 + 2 * MANY);
    assert.deepEqual(s.processes.map((p) => [p.pid, p.comm]), [[pid, 'node']]);
    assert.ok(s.addresses.includes('127.0.0.1'));
    assert.ok(s.addresses.includes(ADDR));
    for (const a of s.addresses) assert.ok(['127.0.0.1', '::1', ADDR].includes(a) || a.startsWith('fe80:'), `namespace address ${a}`);
    // None of the host's own (non-loopback) addresses.
    const host = Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address));
    for (const a of host) if (a !== '127.0.0.1' && a !== '::1' && !a.startsWith('fe80:')) assert.ok(!s.addresses.includes(a), `host address ${a}`);
  });
});
