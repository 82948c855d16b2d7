import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHexAddr, parseProcNet, type NetSocket } from './proc-net.js';

// Captured-format tables (x86-64: each 32-bit address word printed little-endian), with rows chosen
// for every case the agent must get right; the byte arithmetic is spelled out beside each address.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 21234 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1501 1 0000000000000000 100 0 0 10 0
   2: 0500000A:C822 0900000A:01BB 01 00000000:00000000 02:00000A2B 00000000  1000        0 88123 2 0000000000000000 20 4 30 10 -1
   3: 1401A8C0:0016 6401A8C0:E0F3 01 00000000:00000000 02:00000A2B 00000000     0        0 77001 4 0000000000000000 20 4 30 10 -1
   4: 0100007F:0CEA 0100007F:D431 06 00000000:00000000 03:00000F5D 00000000     0        0 0 3 0000000000000000
   5: 0100007F:1F90 0100007F:8000 08 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 20 4 1 10 -1
`;
// 0100007F = 127.0.0.1, 0500000A = 10.0.0.5, 0900000A = 10.0.0.9, 1401A8C0 = 192.168.1.20, 6401A8C0 = 192.168.1.100

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000    33        0 3001 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   110        0 3002 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000500000A:1F90 0000000000000000FFFF00000700000A:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3003 1 0000000000000000 20 4 30 10 -1
   3: B80D0120000000000000000001000000:01BB B80D012000000000000000000500CDAB:C350 01 00000000:00000000 00:00000000 00000000     0        0 3004 1 0000000000000000 20 4 30 10 -1
`;
// ::1 = words 0,0,0,1 → last word printed 01000000; ::ffff:10.0.0.5 → FFFF0000 0500000A;
// 2001:db8::1 → B80D0120 … 01000000; 2001:db8::abcd:5 → … 0500CDAB

const UDP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  120: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 18297 2 0000000000000000 0
  121: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 18290 2 0000000000000000 0
  122: 0500000A:9C40 08080808:0035 01 00000000:00000000 00:00000000 00000000  1000        0 18300 2 0000000000000000 0
  123: 00000000:0000 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 18301 2 0000000000000000 0
`;
// 3500007F = 127.0.0.53; row 122 is a connected client socket, row 123 an unbound one: both left out.

const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  300: 00000000000000000000000000000000:14E9 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   107        0 4001 2 0000000000000000 0
  301: 0000000000000000FFFF00000100007F:270F 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4002 2 0000000000000000 0
`;

const listen = (proto: 'tcp' | 'udp', localAddr: string, localPort: number, inode: number, uid: number): NetSocket => ({
  proto, state: 'listen', localAddr, localPort, remoteAddr: null, remotePort: null, inode, uid,
});
const conn = (localAddr: string, localPort: number, remoteAddr: string, remotePort: number, inode: number, uid: number): NetSocket => ({
  proto: 'tcp', state: 'established', localAddr, localPort, remoteAddr, remotePort, inode, uid,
});

describe('parseProcNet', () => {
  it('reads IPv4 TCP listeners (loopback and wildcard) and connections (a closing one too), and skips TIME_WAIT', () => {
    const r = parseProcNet(TCP, 'tcp', true);
    assert.equal(r.malformed, 0);
    assert.deepEqual(r.sockets, [
      listen('tcp', '127.0.0.1', 3306, 21234, 106),
      listen('tcp', '0.0.0.0', 22, 1501, 0),
      conn('10.0.0.5', 51234, '10.0.0.9', 443, 88123, 1000),
      conn('192.168.1.20', 22, '192.168.1.100', 57587, 77001, 0),
      // CLOSE_WAIT: the peer has finished sending; the process still reads what it sent.
      conn('127.0.0.1', 8080, '127.0.0.1', 32768, 5555, 0),
    ]);
  });

  it('reads IPv6 TCP: the wildcard, ::1, IPv4-mapped as dotted quads, and global addresses', () => {
    const r = parseProcNet(TCP6, 'tcp', true);
    assert.equal(r.malformed, 0);
    assert.deepEqual(r.sockets, [
      listen('tcp', '::', 80, 3001, 33),
      listen('tcp', '::1', 5432, 3002, 110),
      conn('10.0.0.5', 8080, '10.0.0.7', 40000, 3003, 0),
      conn('2001:db8::1', 443, '2001:db8::abcd:5', 50000, 3004, 0),
    ]);
  });

  it('reads bound UDP sockets as listeners and leaves out connected and unbound ones', () => {
    assert.deepEqual(parseProcNet(UDP, 'udp', true).sockets, [
      listen('udp', '0.0.0.0', 53, 18297, 0),
      listen('udp', '127.0.0.53', 53, 18290, 101),
    ]);
    assert.deepEqual(parseProcNet(UDP6, 'udp', true).sockets, [
      listen('udp', '::', 5353, 4001, 107),
      listen('udp', '127.0.0.1', 9999, 4002, 0),
    ]);
  });

  it('counts lines it cannot read instead of guessing', () => {
    const bad = `${TCP.split('\n')[0]}\n   0: 0100007G:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n   1: 0100007F\n   2: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7 1\n`;
    const r = parseProcNet(bad, 'tcp', true);
    assert.equal(r.malformed, 2);
    assert.deepEqual(r.sockets, [listen('tcp', '127.0.0.1', 3306, 7, 0)]);
    assert.deepEqual(parseProcNet('', 'tcp', true), { sockets: [], malformed: 0 });
  });

  it('reads 10,000 rows exactly, in bounded time', () => {
    const rows = [TCP.split('\n')[0]];
    const hex8 = (v: number) => v.toString(16).toUpperCase().padStart(8, '0');
    const hex4 = (v: number) => v.toString(16).toUpperCase().padStart(4, '0');
    const le = (a: number, b: number, c: number, d: number) => hex8(((d << 24) | (c << 16) | (b << 8) | a) >>> 0);
    for (let i = 0; i < 10_000; i++) {
      // 10.1.(i>>8).(i&255):(20000+i) → 10.2.0.1:5432, established, except every 100th a listener
      const state = i % 100 === 0 ? '0A' : '01';
      const remote = state === '0A' ? '00000000:0000' : `${le(10, 2, 0, 1)}:${hex4(5432)}`;
      rows.push(`${String(i).padStart(5)}: ${le(10, 1, i >> 8, i & 255)}:${hex4(20000 + i)} ${remote} ${state} 00000000:00000000 00:00000000 00000000  1000        0 ${100000 + i} 1 0000000000000000 20 4 30 10 -1`);
    }
    const text = `${rows.join('\n')}\n`;
    const t0 = process.hrtime.bigint();
    const r = parseProcNet(text, 'tcp', true);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(r.sockets.length, 10_000);
    assert.equal(r.malformed, 0);
    assert.equal(r.sockets.filter((s) => s.state === 'listen').length, 100);
    assert.deepEqual(r.sockets[0], listen('tcp', '10.1.0.0', 20000, 100000, 1000));
    assert.deepEqual(r.sockets[9_999], conn('10.1.39.15', 29999, '10.2.0.1', 5432, 109999, 1000));
    assert.deepEqual(new Set(r.sockets.map((s) => s.inode)).size, 10_000);
    // A few ms on any machine; the bound leaves room for a loaded CI runner.
    assert.ok(ms < 1_000, `10,000 rows took ${ms.toFixed(0)} ms`);
  });
});

describe('decodeHexAddr', () => {
  it('follows the byte order of the machine that printed the table', () => {
    assert.equal(decodeHexAddr('0100007F', true), '127.0.0.1');
    assert.equal(decodeHexAddr('7F000001', false), '127.0.0.1');
    assert.equal(decodeHexAddr('0000000000000000FFFF00000100A8C0', true), '192.168.0.1');
    assert.equal(decodeHexAddr('20010DB8000000000000000000000001', false), '2001:db8::1');
    assert.equal(decodeHexAddr('B80D0120000000000000000001000000', true), '2001:db8::1');
    assert.equal(decodeHexAddr('000080FE00000000FF000002030000FE', true), 'fe80::200:ff:fe00:3');
  });

  it('refuses what is not an address', () => {
    assert.equal(decodeHexAddr('', true), null);
    assert.equal(decodeHexAddr('0100007', true), null);
    assert.equal(decodeHexAddr('0100007Z', true), null);
  });
});
