/**
 * `flowmap serve` as users run it: a child process on free ports. Live NetFlow collection in the same
 * process: datagrams in, a `flows` event out, the new edge in /graph, `flowmap top` from another
 * process meanwhile; SIGTERM stores what was accepted (a one-way half still waiting for its partner
 * too) and exits 0. Usage errors exit 2; the config's serve section and FLOWMAP_TOKEN apply.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../testing/cli.js';
import { v5Packet, type V5Flow } from '../testing/flowexport-builders.js';
import { cliJson, fetchRaw, getJson, ingestLab, openEvents, startServe } from '../testing/server.js';
import type { ConversationRow, DepGraph, EdgeRow, LiveEvent, MetaResponse } from '../api/types.js';

const noCapture = process.getuid?.() !== 0 ? 'needs root to capture' : spawnSync('which', ['tcpdump']).status !== 0 ? 'tcpdump not installed' : false;

const dir = mkdtempSync(join(tmpdir(), 'flowmap-serve-'));
const T1 = 'config-token-0123456789';
const T2 = 'env-token-abcdefghijklmnop';

/** One NetFlow v5 datagram stamped now (flows end 1 s before the export). */
function datagram(flows: Array<Omit<V5Flow, 'first' | 'last'>>, seq: number): Buffer {
  return v5Packet({ seq, sysUptime: 100_000, unixSecs: Math.floor(Date.now() / 1000), flows: flows.map((f) => ({ ...f, first: 90_000, last: 99_000 })) });
}

async function send(port: number, d: Buffer): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => s.send(d, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  s.close();
}

describe('flowmap serve', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('bad usage exits 2 with a message, before touching the store', () => {
    const db = join(dir, 'never.duckdb');
    const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
      [['serve', '--listen', '0.0.0.0'], /--listen 0\.0\.0\.0: serving beyond this machine needs a token/],
      [['serve', '--listen', '::'], /needs a token/],
      [['serve', '--listen', 'localhost'], /--listen: localhost is not an IPv4 or IPv6 address/],
      [['serve', '--token', 'short'], /--token: expected 16 to 256 characters/],
      [['serve', '--port', '70000'], /--port: 70000 is not a port number/],
      [['serve', '--netflow', '70000'], /--netflow: 70000 is not a port/],
      [['serve', '--netflow', '5000', '--sflow', '5000'], /need different ports/],
      [['serve', '--bpf', 'port 22'], /--bpf filters --capture/],
      [['serve', '--collect-listen', 'nowhere', '--netflow'], /--collect-listen: nowhere is not an IPv4/],
      [['serve', '--listen', '0.0.0.0'], /--token: expected 16/, { FLOWMAP_TOKEN: 'x' }],
    ];
    for (const [args, pattern, env] of cases) {
      const r = runCli(['--db', db, ...args], { env });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern, args.join(' '));
      assert.doesNotMatch(r.stderr, /serving http/);
    }
    const cfg = join(dir, 'open.json');
    writeFileSync(cfg, JSON.stringify({ serve: { listen: '0.0.0.0' } }));
    const r = runCli(['--db', db, '--config', cfg, 'serve']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs a token/);
    const badCfg = join(dir, 'bad.json');
    writeFileSync(badCfg, JSON.stringify({ serve: { token: 'abc', colour: 'red' } }));
    const b = runCli(['--db', db, '--config', badCfg, 'serve']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /serve: unknown key colour/);
    // Nothing to show and nothing to collect: said plainly.
    const empty = runCli(['--db', db, 'serve', '--port', '0']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no flows stored yet in .*never\.duckdb/);
  });

  it('collects NetFlow live: a flows event, the new edge in /graph, top beside it; SIGTERM stores the rest and exits 0', async () => {
    const db = join(dir, 'live.duckdb');
    const s = await startServe(db, ['--netflow', '0']);
    let stopped: { code: number | null; stderr: string } | undefined;
    try {
      const meta = await getJson<MetaResponse>(s.url, '/api/v1/meta');
      assert.deepEqual(meta.live?.sources, [`netflow ${s.ports.netflow}/udp`]);
      const events = await openEvents(s.url);
      const hello = await events.next('hello');
      assert.deepEqual(JSON.parse(hello.data), { stored: 0, lastSeen: null } satisfies LiveEvent);
      // Both halves of a PostgreSQL conversation: paired at once into one client/server record.
      await send(s.ports.netflow, datagram([
        { src: '10.9.0.1', dst: '10.9.0.2', srcPort: 40000, dstPort: 5432, proto: 6, packets: 10, bytes: 1000, tcpFlags: 0x1b },
        { src: '10.9.0.2', dst: '10.9.0.1', srcPort: 5432, dstPort: 40000, proto: 6, packets: 8, bytes: 8000, tcpFlags: 0x1b },
      ], 0));
      const flows = await events.next('flows');
      const live = JSON.parse(flows.data) as LiveEvent;
      assert.equal(live.stored, 1);
      assert.ok(live.lastSeen !== null && Math.abs(Date.parse(live.lastSeen) - Date.now()) < 60_000);
      const g = await getJson<DepGraph>(s.url, '/api/v1/graph');
      const key = (id: string) => g.nodes.find((n) => n.id === id)?.key;
      const e = g.edges.find((x) => key(x.source) === '10.9.0.1' && key(x.target) === '10.9.0.2');
      assert.ok(e, JSON.stringify(g.edges));
      assert.deepEqual([e.port, e.proto, e.service, e.bytes_c2s, e.bytes_s2c, e.packets], [5432, 'tcp', 'postgresql', 1000, 8000, 18]);
      // Another process reads the same store while serve runs (the store is open only while used).
      const beside = cliJson<EdgeRow[]>(db, ['top', '--json']);
      assert.deepEqual(beside.map((r) => [r.client, r.server, r.bytes]), [['10.9.0.1', '10.9.0.2', 9000]]);
      // A half whose partner never comes waits up to 15 s for it: SIGTERM must store it anyway.
      await send(s.ports.netflow, datagram([{ src: '10.9.0.3', dst: '10.9.0.4', srcPort: 50000, dstPort: 22, proto: 6, packets: 3, bytes: 300, tcpFlags: 0x02 }], 2));
      await new Promise((r) => setTimeout(r, 300));
      stopped = await s.stop();
      await events.ended;
    } finally {
      stopped ??= await s.stop();
    }
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /SIGTERM: stopping, storing the flows seen so far/);
    assert.match(stopped.stderr, /collect: 2 datagrams from 1 exporter, 3 flows, 2 records stored \(1 paired, 1 one-way/);
    const after = cliJson<EdgeRow[]>(db, ['top', '--json']);
    assert.deepEqual(after.map((r) => [r.client, r.server, r.port, r.bytes]), [['10.9.0.1', '10.9.0.2', 5432, 9000], ['10.9.0.3', '10.9.0.4', 22, 300]]);
  });

  it('takes port and token from the config; FLOWMAP_TOKEN wins over the config; CLI options win over both', async () => {
    const db = join(dir, 'lab.duckdb');
    ingestLab(dir, db);
    const cfg = join(dir, 'flowmap.json');
    writeFileSync(cfg, JSON.stringify({ serve: { token: T1, port: 0 } }));
    const a = await startServe(db, [], { FLOWMAP_CONFIG: cfg });
    try {
      assert.match(a.stderr(), /token required/);
      assert.equal((await fetchRaw(a.url, '/api/v1/meta')).status, 401);
      assert.equal((await fetchRaw(a.url, '/api/v1/meta', { authorization: `Bearer ${T1}` })).status, 200);
      // The page loads only with the token; opening /?token=T once sets the cookie.
      const opened = await fetchRaw(a.url, `/?token=${T1}`);
      assert.equal(opened.status, 302);
      // A second server on the same port: said plainly, exit 2.
      const busy = runCli(['--db', db, 'serve', '--port', new URL(a.url).port]);
      assert.equal(busy.code, 2, busy.stderr);
      assert.match(busy.stderr, /cannot listen on 127\.0\.0\.1:\d+: the port is in use; pick another with --port/);
    } finally {
      assert.equal((await a.stop('SIGINT')).code, 0);
    }
    const b = await startServe(db, [], { FLOWMAP_CONFIG: cfg, FLOWMAP_TOKEN: T2 });
    try {
      assert.equal((await fetchRaw(b.url, '/api/v1/meta', { authorization: `Bearer ${T1}` })).status, 401);
      assert.equal((await fetchRaw(b.url, '/api/v1/meta', { authorization: `Bearer ${T2}` })).status, 200);
    } finally {
      await b.stop();
    }
    const c = await startServe(db, ['--token', T1], { FLOWMAP_CONFIG: cfg, FLOWMAP_TOKEN: T2 });
    try {
      assert.equal((await fetchRaw(c.url, '/api/v1/meta', { authorization: `Bearer ${T1}` })).status, 200);
    } finally {
      await c.stop();
    }
  });

  it('captures an interface live (--capture lo --bpf): flows appear in the API as they expire, and equal `top` after SIGTERM', { skip: noCapture }, async () => {
    const web: Server = createServer((_req, res) => res.end('x'.repeat(5000)));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    const port = (web.address() as AddressInfo).port;
    const db = join(dir, 'capture.duckdb');
    const cfg = join(dir, 'fast.json');
    writeFileSync(cfg, JSON.stringify({ flows: { idleTimeout: '1s' } }));
    const s = await startServe(db, ['--capture', 'lo', '--bpf', `tcp port ${port}`], { FLOWMAP_CONFIG: cfg });
    let stopped;
    try {
      for (let i = 0; i < 50 && !/capturing on lo/.test(s.stderr()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(s.stderr(), /capturing on lo/);
      const events = await openEvents(s.url);
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => httpGet({ host: '127.0.0.1', port, agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject));
      }
      await events.next('flows', 0, 20_000);
      let rows: ConversationRow[] = [];
      for (let i = 0; i < 50 && rows.length < 3; i++) {
        rows = (await getJson<{ rows: ConversationRow[] }>(s.url, `/api/v1/top/flows?port=${port}`)).rows;
        if (rows.length < 3) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(rows.length, 3, JSON.stringify(rows));
      assert.ok(rows.every((r) => r.client === '127.0.0.1' && r.server === '127.0.0.1' && r.port === port && r.bytes_s2c > 5000));
      const meta = await getJson<MetaResponse>(s.url, '/api/v1/meta');
      assert.deepEqual(meta.live?.sources, ['capture lo']);
      stopped = await s.stop();
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stderr, /capture:lo: .* flow records/);
      assert.deepEqual(cliJson<ConversationRow[]>(db, ['top', '--by', 'flows', '--json', '--port', String(port)]), rows);
    } finally {
      if (!stopped) await s.stop();
      web.close();
    }
  });
});
