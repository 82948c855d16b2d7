/**
 * Names from captures, end to end: a real TLS ClientHello (Node's OpenSSL client) and a real HTTP
 * request (Node's http client) are caught on a loopback socket, put in a capture beside a DNS
 * response, cross-checked against tshark's dissectors, ingested, and drawn by `flowmap export`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { peekDns } from '../decode/peek-dns.js';
import { peekHttpHost } from '../decode/peek-http.js';
import { peekTlsSni } from '../decode/peek-tls.js';
import { FrameBuilder, PacketSpec } from '../gen/frames.js';
import { ipv4Bytes, ipv6Bytes } from '../gen/addr.js';
import { CaptureFileWriter, LINKTYPE } from '../gen/pcap-writer.js';
import { runCli } from '../testing/cli.js';
import { hasTshark, TSHARK } from '../testing/tshark.js';
import { DuckDbStore } from '../store/duckdb.js';
import type { DepGraph } from '../graph/model.js';
import { Proto, TcpFlag } from '../util/protocols.js';

/** The first bytes a real client sends to a server on 127.0.0.1. */
async function firstBytes(start: (port: number) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const server = createServer((sock) => {
      sock.once('data', (d) => {
        resolve(d);
        sock.destroy();
        server.close();
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => start((server.address() as AddressInfo).port));
  });
}

const SNI = 'App-Server.Example.internal';
const HOST = 'intranet.example';

async function clientHello(): Promise<Buffer> {
  return firstBytes((port) => {
    const s = connect({ host: '127.0.0.1', port, servername: SNI, rejectUnauthorized: false });
    s.on('error', () => undefined);
  });
}

async function httpRequest(): Promise<Buffer> {
  return firstBytes((port) => {
    const r = request({ host: '127.0.0.1', port, path: '/index.html', headers: { Host: `${HOST}:8080` } });
    r.on('error', () => undefined);
    r.end();
  });
}

/** A DNS response: www.example.test CNAME edge.cdn.test, A 10.1.0.80, AAAA 2001:db8::80 (compressed names). */
function dnsResponse(): Buffer {
  const parts: number[] = [];
  const u16 = (v: number): void => void parts.push(v >> 8, v & 255);
  const name = (n: string): void => {
    for (const l of n.split('.')) parts.push(l.length, ...Buffer.from(l));
    parts.push(0);
  };
  u16(0x1234); u16(0x8180); u16(1); u16(3); u16(0); u16(0);
  name('www.example.test'); u16(1); u16(1);
  parts.push(0xc0, 12); u16(5); u16(1); u16(0); u16(60); const cname = Buffer.from([8, ...Buffer.from('edge-cdn'), 4, ...Buffer.from('test'), 0]); u16(cname.length); parts.push(...cname);
  parts.push(0xc0, 12); u16(1); u16(1); u16(0); u16(60); u16(4); parts.push(10, 1, 0, 80);
  parts.push(0xc0, 12); u16(28); u16(1); u16(0); u16(60); u16(16); parts.push(...ipv6Bytes('2001:db8::80'));
  return Buffer.from(parts);
}

function writeCapture(file: string, hello: Buffer, http: Buffer, dns: Buffer): void {
  const w = new CaptureFileWriter(file, { format: 'pcap', interfaces: [{ linkType: LINKTYPE.ETHERNET, snaplen: 65535 }] });
  const fb = new FrameBuilder();
  let t = 0;
  const send = (p: PacketSpec): void => {
    const wire = fb.build(p, 65535);
    w.packet(fb.buf, 0, fb.capLen, wire, 1_768_471_200 + t, 0);
    t++;
  };
  const tcp = (src: string, dst: string, sport: number, dport: number, payload: Buffer): PacketSpec => {
    const p = new PacketSpec();
    p.src = ipv4Bytes(src);
    p.dst = ipv4Bytes(dst);
    p.proto = Proto.TCP;
    p.srcPort = sport;
    p.dstPort = dport;
    p.tcpFlags = TcpFlag.PSH | TcpFlag.ACK;
    p.seq = 1000;
    p.ack = 2000;
    p.payloadLen = payload.length;
    p.payload = payload;
    return p;
  };
  send(tcp('10.1.0.5', '10.1.0.80', 50001, 443, hello));
  send(tcp('10.1.0.5', '10.1.0.81', 50002, 80, http));
  const d = new PacketSpec();
  d.src = ipv4Bytes('10.1.0.53');
  d.dst = ipv4Bytes('10.1.0.5');
  d.proto = Proto.UDP;
  d.srcPort = 53;
  d.dstPort = 40000;
  d.payloadLen = dns.length;
  d.payload = dns;
  send(d);
  w.close();
}

test('peeks read real client bytes; every cut prefix gives the full name or none, never a wrong one or a throw', async () => {
  const hello = await clientHello();
  const http = await httpRequest();
  const dns = dnsResponse();
  assert.equal(peekTlsSni(hello, 0, hello.length), SNI);
  assert.equal(peekHttpHost(http, 0, http.length), HOST);
  const answers = peekDns(dns, 0, dns.length);
  assert.deepEqual(answers.map((a) => [a.name, a.family]), [['www.example.test', 4], ['www.example.test', 6]]);
  assert.deepEqual([...dns.subarray(answers[0].at, answers[0].at + 4)], [10, 1, 0, 80]);
  for (let n = 0; n < hello.length; n++) assert.ok([null, SNI].includes(peekTlsSni(hello, 0, n)));
  for (let n = 0; n < http.length; n++) assert.ok([null, HOST].includes(peekHttpHost(http, 0, n)));
  for (let n = 0; n < dns.length; n++) assert.ok(peekDns(dns, 0, n).length <= 2);
  // Not a request / not a response / garbage: nothing.
  assert.equal(peekHttpHost(Buffer.from('HTTP/1.1 200 OK\r\nHost: x\r\n\r\n'), 0, 27), null);
  const query = Buffer.from(dns);
  query[2] = 0x01; // QR clear: a query
  assert.deepEqual(peekDns(query, 0, query.length), []);
  const loop = Buffer.from(dns);
  loop[12] = 0xc0;
  loop[13] = 12; // a name pointing at itself
  assert.deepEqual(peekDns(loop, 0, loop.length), []);
});

test('ingest stores DNS/SNI/HTTP names (tshark agrees) and export draws them', { skip: !hasTshark() && 'tshark not installed', timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-names-'));
  try {
    const cap = join(dir, 'names.pcap');
    writeCapture(cap, await clientHello(), await httpRequest(), dnsResponse());
    const ts = execFileSync(TSHARK, ['-r', cap, '-d', 'tcp.port==443,tls', '-T', 'fields', '-e', 'tls.handshake.extensions_server_name', '-e', 'http.host', '-e', 'dns.qry.name', '-e', 'dns.a', '-e', 'dns.aaaa'], { encoding: 'utf8' });
    assert.equal(ts.trim().split('\n').map((l) => l.trim()).join('|'), `${SNI}|${HOST}:8080|www.example.test\t10.1.0.80\t2001:db8::80`);

    const db = join(dir, 'f.duckdb');
    const r = runCli(['--db', db, 'ingest', cap]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /4 host names/);
    const store = await DuckDbStore.open(db, { readOnly: true });
    await store.init();
    const rows = await store.names(['10.1.0.80', '10.1.0.81', '2001:db8::80', '10.1.0.5']);
    await store.close();
    assert.deepEqual(rows.map((x) => [x.address, x.name, x.source]), [
      ['10.1.0.80', 'www.example.test', 'dns'],
      ['10.1.0.80', SNI.toLowerCase(), 'sni'],
      ['10.1.0.81', HOST, 'http'],
      ['2001:db8::80', 'www.example.test', 'dns'],
    ]);
    assert.equal(rows[0].first_seen, '2026-01-15T10:00:02.000Z');

    const out = runCli(['--db', db, 'export', '-f', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const g = JSON.parse(out.stdout) as DepGraph;
    const label = (addr: string): [string, string | undefined] => {
      const n = g.nodes.find((x) => x.key === addr);
      return [n?.label ?? '', n?.nameSource];
    };
    // DNS beats SNI for the same address; the HTTP-only server gets its Host.
    assert.deepEqual(label('10.1.0.80'), ['www.example.test', 'dns']);
    assert.deepEqual(label('10.1.0.81'), [HOST, 'http']);
    assert.deepEqual(label('10.1.0.5'), ['10.1.0.5', undefined]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
