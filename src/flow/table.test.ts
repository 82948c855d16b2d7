import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PacketInfo } from '../decode/packet.js';
import { tryParseIp } from '../util/ip.js';
import type { FlowRecord } from './record.js';
import { FlowTable, type FlowTableOptions } from './table.js';

const services = { isService: (port: number) => [22, 53, 80, 443, 902, 8086].includes(port) };

function table(over: Partial<FlowTableOptions> = {}) {
  const out: FlowRecord[] = [];
  const t = new FlowTable({
    idleTimeoutMs: 15_000,
    activeTimeoutMs: 60_000,
    maxFlows: 1000,
    services,
    source: 'test',
    emit: (r) => out.push(r),
    ...over,
  });
  return { t, out };
}

const info = new PacketInfo();
function pkt(
  t: FlowTable,
  ts: number,
  src: string,
  sport: number,
  dst: string,
  dport: number,
  bytes: number,
  o: { proto?: number; flags?: number; icmpType?: number; vlan?: number } = {},
) {
  const s = tryParseIp(src)!;
  const d = tryParseIp(dst)!;
  info.tsMs = ts;
  info.src.set(s);
  info.dst.set(d);
  info.ipVersion = src.includes(':') ? 6 : 4;
  info.proto = o.proto ?? 6;
  info.srcPort = sport;
  info.dstPort = dport;
  info.ipBytes = bytes;
  info.tcpFlags = o.flags ?? 0x10;
  info.icmpType = o.icmpType ?? -1;
  info.vlan = o.vlan ?? 0;
  info.heldBytes = 0;
  info.heldPackets = 0;
  t.add(info);
}

const SYN = 0x02;
const SYNACK = 0x12;
const ACK = 0x10;
const FIN = 0x11;

describe('FlowTable', () => {
  it('pairs both directions into one conversation; the SYN sender is the client', () => {
    const { t, out } = table();
    // The server's packet comes first in time order on purpose: order must not decide.
    pkt(t, 1000, '10.0.0.2', 8086, '10.0.0.1', 40000, 60, { flags: SYNACK });
    pkt(t, 999, '10.0.0.1', 40000, '10.0.0.2', 8086, 60, { flags: SYN });
    pkt(t, 1001, '10.0.0.1', 40000, '10.0.0.2', 8086, 500, { flags: ACK });
    pkt(t, 1002, '10.0.0.2', 8086, '10.0.0.1', 40000, 1500, { flags: ACK });
    t.flushAll();
    assert.equal(out.length, 1);
    const r = out[0];
    assert.equal(r.client, '10.0.0.1');
    assert.equal(r.server, '10.0.0.2');
    assert.equal(r.clientPort, 40000);
    assert.equal(r.serverPort, 8086);
    assert.equal(r.bytesC2s, 560);
    assert.equal(r.bytesS2c, 1560);
    assert.equal(r.packetsC2s, 2);
    assert.equal(r.packetsS2c, 2);
    assert.equal(r.direction, 'handshake');
    assert.equal(r.firstSeen, 999);
    assert.equal(r.lastSeen, 1002);
    assert.equal(r.tcpFlagsC2s, SYN | ACK);
  });

  it('without a handshake, a registered service port beats the first sender', () => {
    const { t, out } = table();
    pkt(t, 1000, '10.0.0.2', 443, '10.0.0.1', 51000, 1500);
    pkt(t, 1001, '10.0.0.1', 51000, '10.0.0.2', 443, 52);
    t.flushAll();
    assert.equal(out[0].client, '10.0.0.1');
    assert.equal(out[0].serverPort, 443);
    assert.equal(out[0].bytesS2c, 1500);
    assert.equal(out[0].direction, 'service-port');
  });

  it('a known listener (seen accepting a handshake) names the server of a mid-stream conversation', () => {
    const { t, out } = table();
    pkt(t, 1000, '10.0.0.9', 50001, '10.0.0.5', 33333, 60, { flags: SYN });
    pkt(t, 1001, '10.0.0.5', 33333, '10.0.0.9', 50001, 60, { flags: SYNACK });
    t.flushAll();
    pkt(t, 2000, '10.0.0.5', 33333, '10.0.0.7', 40000, 900);
    t.flushAll();
    assert.equal(out.length, 2);
    assert.equal(out[1].server, '10.0.0.5');
    assert.equal(out[1].serverPort, 33333);
    assert.equal(out[1].direction, 'listener');
  });

  it('fan-in: an unregistered endpoint many peers talk to is the server', () => {
    const { t, out } = table();
    for (let k = 0; k < 5; k++) pkt(t, 1000 + k, '10.0.0.5', 41000, `10.0.1.${k + 1}`, 50000 + k, 100);
    t.flushAll();
    assert.equal(out.length, 5);
    for (const r of out) {
      assert.equal(r.server, '10.0.0.5');
      assert.equal(r.serverPort, 41000);
      assert.equal(r.direction, 'fan-in');
    }
  });

  it('ICMP echo: the request sender is the client, the identifier is the client port, server port 0', () => {
    const { t, out } = table();
    pkt(t, 1000, '10.0.0.2', 77, '10.0.0.1', 77, 84, { proto: 1, icmpType: 0 });
    pkt(t, 999, '10.0.0.1', 77, '10.0.0.2', 77, 84, { proto: 1, icmpType: 8 });
    t.flushAll();
    assert.equal(out.length, 1);
    assert.equal(out[0].client, '10.0.0.1');
    assert.equal(out[0].clientPort, 77);
    assert.equal(out[0].serverPort, 0);
    assert.equal(out[0].direction, 'icmp');
  });

  it('VLANs keep otherwise equal conversations apart; IPv6 text is canonical', () => {
    const { t, out } = table();
    pkt(t, 1, '2001:db8::1', 40000, '2001:db8::2', 80, 100, { flags: SYN, vlan: 10 });
    pkt(t, 2, '2001:db8::1', 40000, '2001:db8::2', 80, 100, { flags: SYN, vlan: 20 });
    t.flushAll();
    assert.equal(out.length, 2);
    assert.deepEqual(out.map((r) => r.vlan).sort(), [10, 20]);
    assert.equal(out[0].client, '2001:db8::1');
    assert.equal(out[0].ipVersion, 6);
  });

  it('idle timeout closes a conversation; active timeout cuts it into records that sum to the total', () => {
    const { t, out } = table({ idleTimeoutMs: 10_000, activeTimeoutMs: 30_000 });
    let total = 0;
    for (let s = 0; s <= 100; s++) {
      pkt(t, s * 1000, '10.0.0.1', 40000, '10.0.0.2', 902, 1000, { flags: s === 0 ? SYN : ACK });
      total += 1000;
    }
    // 20 s of silence: the next packet of another flow triggers the expiry scan.
    pkt(t, 121_000, '10.0.0.3', 40000, '10.0.0.4', 80, 40, { flags: SYN });
    const mainRecords = out.filter((r) => r.serverPort === 902);
    assert.ok(mainRecords.length >= 3, `expected several records, got ${mainRecords.length}`);
    assert.equal(mainRecords.reduce((a, r) => a + r.bytesC2s, 0), total);
    assert.equal(mainRecords.reduce((a, r) => a + r.packetsC2s, 0), 101);
    for (const r of mainRecords) {
      assert.equal(r.client, '10.0.0.1');
      assert.ok(r.lastSeen - r.firstSeen < 30_000 + 1000);
    }
    assert.equal(t.size, 1);
  });

  it('port reuse after FIN starts a new conversation record', () => {
    const { t, out } = table();
    pkt(t, 1, '10.0.0.1', 40000, '10.0.0.2', 80, 60, { flags: SYN });
    pkt(t, 2, '10.0.0.2', 80, '10.0.0.1', 40000, 60, { flags: SYNACK });
    pkt(t, 3, '10.0.0.1', 40000, '10.0.0.2', 80, 52, { flags: FIN });
    pkt(t, 4, '10.0.0.1', 40000, '10.0.0.2', 80, 60, { flags: SYN });
    t.flushAll();
    assert.equal(out.length, 2);
    assert.equal(out[0].packetsC2s + out[0].packetsS2c, 3);
    assert.equal(out[1].packetsC2s, 1);
  });

  it('a retransmitted SYN of a new conversation after port reuse does not split it', () => {
    // Idle longer than active: the first record is cut by the active timeout and its slot stays.
    const { t, out } = table({ idleTimeoutMs: 30_000, activeTimeoutMs: 20_000 });
    pkt(t, 0, '10.0.0.1', 40000, '10.0.0.2', 80, 60, { flags: SYN });
    pkt(t, 1, '10.0.0.2', 80, '10.0.0.1', 40000, 60, { flags: SYNACK });
    pkt(t, 5000, '10.0.0.1', 40000, '10.0.0.2', 80, 52, { flags: FIN });
    // The active timeout writes the first conversation out (an unrelated packet drives the clock).
    pkt(t, 21_000, '10.0.0.7', 1111, '10.0.0.8', 22, 52, { flags: ACK });
    assert.equal(out.length, 1);
    // Port reuse while the record is already written, then a SYN retransmission.
    pkt(t, 22_000, '10.0.0.2', 80, '10.0.0.1', 40000, 60, { flags: SYN });
    pkt(t, 23_000, '10.0.0.2', 80, '10.0.0.1', 40000, 60, { flags: SYN });
    pkt(t, 23_001, '10.0.0.1', 40000, '10.0.0.2', 80, 60, { flags: SYNACK });
    t.flushAll();
    const second = out.filter((r) => r.firstSeen >= 22_000);
    assert.equal(second.length, 1, 'one record for the new conversation');
    assert.equal(second[0].client, '10.0.0.2', 'direction decided afresh from the new handshake');
    assert.equal(second[0].packetsC2s, 2);
  });

  it('memory bound: a table full of conversations emits the oldest early and loses no bytes', () => {
    const { t, out } = table({ maxFlows: 100 });
    let total = 0;
    for (let k = 0; k < 1000; k++) {
      pkt(t, 1000 + k, '10.0.0.1', 10000 + k, '10.0.0.2', 53, 70 + (k % 7), { proto: 17 });
      total += 70 + (k % 7);
    }
    assert.ok(t.size <= 100);
    assert.ok(t.stats.evicted > 0);
    t.flushAll();
    assert.equal(out.reduce((a, r) => a + r.bytesC2s + r.bytesS2c, 0), total);
    assert.equal(out.length, 1000);
  });

  it('many conversations: grows, finds, and keeps exact sums (hash table stress)', () => {
    const { t, out } = table({ maxFlows: 100_000 });
    const n = 20_000;
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < n; k++) {
        const a = `10.${(k >> 8) & 255}.${k & 255}.1`;
        pkt(t, 1000 + round, a, 20000 + (k % 1000), '192.168.1.10', 443, 100 + round, { flags: ACK });
      }
    }
    t.flushAll();
    assert.equal(out.length, n);
    for (const r of out) {
      assert.equal(r.bytesC2s, 303);
      assert.equal(r.packetsC2s, 3);
      assert.equal(r.server, '192.168.1.10');
    }
  });

  it('starts: a conversation begins once; active-timeout records, and TCP back after an idle gap without a handshake, continue it', () => {
    const { t, out } = table({ idleTimeoutMs: 10_000, activeTimeoutMs: 30_000 });
    for (let s = 0; s <= 100; s++) pkt(t, s * 1000, '10.0.0.1', 40000, '10.0.0.2', 902, 1000, { flags: s === 0 ? SYN : ACK });
    // 20 s idle, then more of the same connection (no SYN): a new table entry, the same conversation.
    for (let s = 120; s <= 125; s++) pkt(t, s * 1000, '10.0.0.2', 902, '10.0.0.1', 40000, 1000, { flags: ACK });
    t.flushAll();
    const main = out.filter((r) => r.serverPort === 902);
    assert.ok(main.length >= 5, `${main.length} records`);
    assert.deepEqual(main.map((r) => r.starts), [1, ...main.slice(1).map(() => 0)]);
    assert.ok(main.every((r) => r.client === '10.0.0.1' && r.direction === 'handshake'), 'the continuation keeps its sides and their evidence');
  });

  it('starts: port reuse after FIN begins a second conversation; UDP back after the idle timeout begins again', () => {
    const { t, out } = table({ idleTimeoutMs: 10_000 });
    pkt(t, 1, '10.0.0.1', 40000, '10.0.0.2', 80, 60, { flags: SYN });
    pkt(t, 3, '10.0.0.1', 40000, '10.0.0.2', 80, 52, { flags: FIN });
    pkt(t, 4, '10.0.0.1', 40000, '10.0.0.2', 80, 60, { flags: SYN });
    pkt(t, 5, '10.0.0.1', 40001, '10.0.0.2', 53, 60, { proto: 17 });
    pkt(t, 30_000, '10.0.0.1', 40001, '10.0.0.2', 53, 60, { proto: 17 });
    t.flushAll();
    assert.deepEqual(out.filter((r) => r.proto === 6).map((r) => r.starts), [1, 1]);
    assert.deepEqual(out.filter((r) => r.proto === 17).map((r) => r.starts), [1, 1]);
  });

  it('eviction: a conversation written early because the table was full continues (starts 0) with the same sides', () => {
    const { t, out } = table({ maxFlows: 16 });
    // Equal ports, no handshake: only the first sender tells, and it changes after the eviction.
    pkt(t, 1000, '10.0.9.1', 45000, '10.0.9.2', 45000, 100, { proto: 17 });
    for (let k = 0; k < 40; k++) pkt(t, 1001 + k, '10.0.0.1', 10000 + k, '10.0.0.2', 53, 70, { proto: 17 });
    pkt(t, 1100, '10.0.9.2', 45000, '10.0.9.1', 45000, 100, { proto: 17 });
    t.flushAll();
    const mid = out.filter((r) => r.clientPort === 45000);
    assert.equal(mid.length, 2);
    assert.deepEqual(mid.map((r) => [r.client, r.starts]), [['10.0.9.1', 1], ['10.0.9.1', 0]]);
  });

  it('the conversation memory stays within its bound, forgetting the least recently used first', () => {
    const { t, out } = table({ maxFlows: 100, conversationMemory: 50 });
    for (let k = 0; k < 1000; k++) {
      pkt(t, 1000 + k, '10.0.0.1', 10000 + k, '10.0.0.2', 53, 70, { proto: 17 });
      assert.ok(t.conversations.size <= 50, `${t.conversations.size} remembered`);
    }
    t.flushAll();
    assert.equal(t.conversations.size, 50);
    assert.equal(out.length, 1000);
    // The oldest conversation was forgotten: back within the idle timeout, it counts as a new one.
    pkt(t, 2500, '10.0.0.1', 10000, '10.0.0.2', 53, 70, { proto: 17 });
    pkt(t, 2501, '10.0.0.1', 10999, '10.0.0.2', 53, 70, { proto: 17 });
    t.flushAll();
    assert.deepEqual(out.slice(1000).map((r) => [r.clientPort, r.starts]).sort(), [[10000, 1], [10999, 0]]);
  });

  it('fan-in is fed only by conversations decided on strong evidence, not by guesses', () => {
    const { t, out } = table({ idleTimeoutMs: 1000 });
    // One after another (never held together): each is a guess by port rank, none may vouch for the next.
    for (let k = 0; k < 6; k++) pkt(t, k * 5000, `10.0.1.${k + 1}`, 50000 + k, '10.0.0.5', 41000, 100);
    t.flushAll();
    assert.equal(out.length, 6);
    // The first two are held together by the table (fan-in among held conversations is fair evidence);
    // after them, each is alone: counting the guesses would have made them 'fan-in'.
    assert.deepEqual([...new Set(out.slice(2).map((r) => r.direction))], ['port-rank']);
  });
});
