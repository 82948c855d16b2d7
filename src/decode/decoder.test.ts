import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketDecoder } from './decoder.js';
import { Decoded, PacketInfo, SkipReason } from './packet.js';
import { LinkType, linkTypeForSflowHeader } from './linktypes.js';
import {
  ether, ext6, frag6, icmp, ipv4, ipv6, nullHdr, sll, sll2, tcp, udp, words4, words6,
} from '../testing/frames.js';

function run(lt: number, frame: Buffer, origLen = frame.length, dec = new PacketDecoder(), info = new PacketInfo()) {
  // Put the frame at a non-zero offset inside a larger buffer, as readers do.
  const buf = Buffer.concat([Buffer.alloc(7, 0xee), frame, Buffer.alloc(5, 0xee)]);
  const r = dec.decode(lt, buf, 7, frame.length, origLen, info);
  return { r, info };
}

const tcp4 = ipv4({ proto: 6, src: '192.168.1.10', dst: '10.1.2.3', payload: tcp(40000, 443, 0x12, Buffer.alloc(10)) });

test('ethernet IPv4 TCP', () => {
  const { r, info } = run(LinkType.ETHERNET, ether(0x0800, tcp4));
  assert.equal(r, Decoded);
  assert.equal(info.ipVersion, 4);
  assert.deepEqual([...info.src].map((w) => w >>> 0), words4('192.168.1.10'));
  assert.deepEqual([...info.dst].map((w) => w >>> 0), words4('10.1.2.3'));
  assert.equal(info.proto, 6);
  assert.equal(info.srcPort, 40000);
  assert.equal(info.dstPort, 443);
  assert.equal(info.tcpFlags, 0x12);
  assert.equal(info.ipBytes, 50);
  assert.equal(info.vlan, 0);
  assert.equal(info.icmpType, -1);
});

test('ipBytes is the IP total length, not the captured or padded length', () => {
  const small = ipv4({ proto: 17, payload: udp(53, 5353) }); // 28 bytes → ethernet pads to 60
  const frame = Buffer.concat([ether(0x0800, small), Buffer.alloc(18)]);
  let { r, info } = run(LinkType.ETHERNET, frame);
  assert.equal(r, Decoded);
  assert.equal(info.ipBytes, 28);
  // Snaplen cut: only 14 + 20 + 4 bytes captured of a 1514-byte frame.
  const big = ether(0x0800, ipv4({ proto: 6, payload: tcp(1, 2, 0x10, Buffer.alloc(1460)) }));
  ({ r, info } = run(LinkType.ETHERNET, big.subarray(0, 38), big.length));
  assert.equal(r, Decoded);
  assert.equal(info.ipBytes, 1500);
  assert.equal(info.srcPort, 1);
  assert.equal(info.dstPort, 2);
  assert.equal(info.tcpFlags, 0, 'flags byte not captured');
});

test('TSO capture: total length 0 falls back to the wire length', () => {
  const ip = ipv4({ proto: 6, payload: tcp(1, 2, 0x10, Buffer.alloc(3000)), totalLen: 0 });
  const frame = ether(0x0800, ip);
  const { r, info } = run(LinkType.ETHERNET, frame.subarray(0, 100), frame.length);
  assert.equal(r, Decoded);
  assert.equal(info.ipBytes, frame.length - 14);
});

test('IP header cut by the snaplen is TRUNCATED; transport cut still counts', () => {
  const frame = ether(0x0800, tcp4);
  assert.equal(run(LinkType.ETHERNET, frame.subarray(0, 30), frame.length).r, SkipReason.TRUNCATED);
  const { r, info } = run(LinkType.ETHERNET, frame.subarray(0, 36), frame.length); // 2 bytes of TCP
  assert.equal(r, Decoded);
  assert.equal(info.srcPort, 0);
  assert.equal(info.dstPort, 0);
  assert.equal(info.ipBytes, 50);
  assert.equal(run(LinkType.ETHERNET, frame.subarray(0, 10)).r, SkipReason.TRUNCATED);
});

test('bad IPv4 headers', () => {
  const bad = Buffer.from(tcp4);
  bad[0] = 0x43; // IHL 3
  assert.equal(run(LinkType.RAW, bad).r, SkipReason.BAD_IP_HEADER);
  const v5 = Buffer.from(tcp4);
  v5[0] = 0x55;
  assert.equal(run(LinkType.ETHERNET, ether(0x0800, v5)).r, SkipReason.BAD_IP_HEADER);
  const short = ipv4({ proto: 6, payload: tcp(1, 2), totalLen: 12 });
  assert.equal(run(LinkType.RAW, short).r, SkipReason.BAD_IP_HEADER);
});

test('IPv4 options: transport found after IHL', () => {
  const ip = ipv4({ proto: 17, payload: udp(1000, 2000), options: Buffer.from([1, 1, 1, 0]) });
  const { r, info } = run(LinkType.RAW, ip);
  assert.equal(r, Decoded);
  assert.equal(info.srcPort, 1000);
  assert.equal(info.dstPort, 2000);
  assert.equal(info.ipBytes, 32);
});

test('802.1Q and QinQ: innermost VLAN id', () => {
  let { r, info } = run(LinkType.ETHERNET, ether(0x0800, tcp4, [{ tpid: 0x8100, vid: 0x2064 }]));
  assert.equal(r, Decoded);
  assert.equal(info.vlan, 100); // PCP bits masked
  ({ r, info } = run(LinkType.ETHERNET, ether(0x0800, tcp4, [{ tpid: 0x88a8, vid: 10 }, { tpid: 0x8100, vid: 20 }])));
  assert.equal(r, Decoded);
  assert.equal(info.vlan, 20);
  assert.equal(info.dstPort, 443);
  ({ r, info } = run(LinkType.ETHERNET, ether(0x86dd, ipv6({ nh: 17, payload: udp(1, 2) }), [{ tpid: 0x9100, vid: 7 }, { tpid: 0x8100, vid: 8 }])));
  assert.equal(r, Decoded);
  assert.equal(info.vlan, 8);
  assert.equal(info.ipVersion, 6);
  // The VLAN of a non-IP frame is not left behind for the next packet.
  const dec = new PacketDecoder();
  const i2 = new PacketInfo();
  run(LinkType.ETHERNET, ether(0x0800, tcp4, [{ tpid: 0x8100, vid: 5 }]), undefined, dec, i2);
  assert.equal(run(LinkType.ETHERNET, ether(0x0800, tcp4), undefined, dec, i2).info.vlan, 0);
});

test('non-IP ethertypes and 802.3/LLC', () => {
  assert.equal(run(LinkType.ETHERNET, ether(0x0806, Buffer.alloc(28))).r, SkipReason.NOT_IP);
  assert.equal(run(LinkType.ETHERNET, ether(0x88cc, Buffer.alloc(40))).r, SkipReason.NOT_IP);
  // STP: 802.3 length + LLC 42 42 03
  assert.equal(run(LinkType.ETHERNET, ether(38, Buffer.from('424203000000000000000000000000000000000000000000000000000000000000000000000000', 'hex'))).r, SkipReason.NOT_IP);
  // 802.3 + LLC/SNAP carrying IPv4
  const snap = Buffer.concat([Buffer.from('aaaa03000000', 'hex'), Buffer.from([0x08, 0x00]), tcp4]);
  const { r, info } = run(LinkType.ETHERNET, ether(snap.length, snap));
  assert.equal(r, Decoded);
  assert.equal(info.dstPort, 443);
});

test('MPLS and PPPoE over Ethernet', () => {
  const labels = Buffer.from('0001400000025140', 'hex'); // two labels, second with bottom-of-stack
  let { r, info } = run(LinkType.ETHERNET, ether(0x8847, Buffer.concat([labels, tcp4])));
  assert.equal(r, Decoded);
  assert.equal(info.srcPort, 40000);
  const pppoe = Buffer.concat([Buffer.from('11000001', 'hex'), Buffer.from([0, tcp4.length + 2]), Buffer.from('0021', 'hex'), tcp4]);
  ({ r, info } = run(LinkType.ETHERNET, ether(0x8864, pppoe)));
  assert.equal(r, Decoded);
  assert.equal(info.dstPort, 443);
});

test('Linux cooked SLL and SLL2', () => {
  let { r, info } = run(LinkType.LINUX_SLL, sll(0x0800, tcp4));
  assert.equal(r, Decoded);
  assert.equal(info.dstPort, 443);
  ({ r, info } = run(LinkType.LINUX_SLL2, sll2(0x86dd, ipv6({ nh: 6, payload: tcp(5, 6) }))));
  assert.equal(r, Decoded);
  assert.equal(info.ipVersion, 6);
  assert.equal(info.srcPort, 5);
  assert.equal(run(LinkType.LINUX_SLL, sll(0x0806, Buffer.alloc(28))).r, SkipReason.NOT_IP);
  assert.equal(run(LinkType.LINUX_SLL, sll(0x0800, tcp4).subarray(0, 12)).r, SkipReason.TRUNCATED);
});

test('raw IP link types', () => {
  const v6 = ipv6({ nh: 17, payload: udp(53, 53) });
  for (const lt of [LinkType.RAW, LinkType.RAW_DLT, LinkType.RAW_OPENBSD]) {
    assert.equal(run(lt, tcp4).info.ipVersion, 4);
    assert.equal(run(lt, v6).info.ipVersion, 6);
  }
  assert.equal(run(LinkType.IPV4, tcp4).r, Decoded);
  assert.equal(run(LinkType.IPV6, v6).r, Decoded);
  assert.equal(run(LinkType.IPV4, v6).r, SkipReason.BAD_IP_HEADER);
  assert.equal(run(LinkType.RAW, Buffer.from([0x20, 1, 2, 3])).r, SkipReason.BAD_IP_HEADER);
});

test('BSD loopback NULL and LOOP, both byte orders, all AF_INET6 values', () => {
  for (const le of [true, false]) {
    for (const lt of [LinkType.NULL, LinkType.LOOP]) {
      assert.equal(run(lt, nullHdr(2, le, tcp4)).info.dstPort, 443);
      for (const fam of [24, 28, 30]) {
        const { r, info } = run(lt, nullHdr(fam, le, ipv6({ nh: 6, payload: tcp(7, 8) })));
        assert.equal(r, Decoded);
        assert.equal(info.ipVersion, 6);
        assert.equal(info.dstPort, 8);
      }
      assert.equal(run(lt, nullHdr(7, le, tcp4)).r, SkipReason.NOT_IP);
    }
  }
});

test('PPP, PPP-in-HDLC, Cisco HDLC, PPPoE link type', () => {
  assert.equal(run(LinkType.PPP, Buffer.concat([Buffer.from('ff030021', 'hex'), tcp4])).info.dstPort, 443);
  assert.equal(run(LinkType.PPP, Buffer.concat([Buffer.from('0021', 'hex'), tcp4])).info.dstPort, 443);
  assert.equal(run(LinkType.PPP, Buffer.concat([Buffer.from('21', 'hex'), tcp4])).info.dstPort, 443);
  assert.equal(run(LinkType.PPP, Buffer.from('ff03c0210101000400000000', 'hex')).r, SkipReason.NOT_IP);
  assert.equal(run(LinkType.PPP_HDLC, Buffer.concat([Buffer.from('ff030021', 'hex'), tcp4])).info.dstPort, 443);
  assert.equal(run(LinkType.PPP_HDLC, Buffer.concat([Buffer.from('0f000800', 'hex'), tcp4])).info.dstPort, 443);
  assert.equal(run(LinkType.C_HDLC, Buffer.concat([Buffer.from('0f0086dd', 'hex'), ipv6({ nh: 17, payload: udp(1, 2) })])).info.dstPort, 2);
  assert.equal(run(LinkType.C_HDLC, Buffer.from('8f008035000000000000', 'hex')).r, SkipReason.NOT_IP);
});

test('802.11 data frames with LLC/SNAP, radiotap; management and protected frames', () => {
  const llc = Buffer.concat([Buffer.from('aaaa030000000800', 'hex'), tcp4]);
  const hdr = Buffer.alloc(24);
  hdr[0] = 0x08; // data
  hdr[1] = 0x01; // to DS
  let { r, info } = run(LinkType.IEEE802_11, Buffer.concat([hdr, llc]));
  assert.equal(r, Decoded);
  assert.equal(info.dstPort, 443);
  const qos = Buffer.alloc(26);
  qos[0] = 0x88; // QoS data
  qos[1] = 0x02;
  ({ r, info } = run(LinkType.IEEE802_11, Buffer.concat([qos, llc])));
  assert.equal(r, Decoded);
  assert.equal(info.srcPort, 40000);
  const rt = Buffer.from('0000080000000000', 'hex'); // minimal radiotap, length 8
  ({ r, info } = run(LinkType.IEEE802_11_RADIOTAP, Buffer.concat([rt, hdr, llc])));
  assert.equal(r, Decoded);
  assert.equal(info.srcPort, 40000);
  const beacon = Buffer.alloc(40);
  beacon[0] = 0x80;
  assert.equal(run(LinkType.IEEE802_11, beacon).r, SkipReason.NOT_IP);
  const prot = Buffer.from(hdr);
  prot[1] |= 0x40;
  assert.equal(run(LinkType.IEEE802_11, Buffer.concat([prot, llc])).r, SkipReason.UNSUPPORTED_ENCAP);
});

test('unknown link type', () => {
  assert.equal(run(147, tcp4).r, SkipReason.UNSUPPORTED_LINKTYPE);
  assert.equal(run(0xffff, tcp4).r, SkipReason.UNSUPPORTED_LINKTYPE);
});

test('UDP, SCTP, GRE, IP-in-IP, ESP', () => {
  assert.equal(run(LinkType.RAW, ipv4({ proto: 17, payload: udp(5353, 53) })).info.srcPort, 5353);
  assert.equal(run(LinkType.RAW, ipv4({ proto: 132, payload: udp(2905, 2905) })).info.dstPort, 2905);
  for (const proto of [4, 41, 47, 50]) {
    const { r, info } = run(LinkType.RAW, ipv4({ proto, payload: Buffer.alloc(40, 0x45) }));
    assert.equal(r, Decoded);
    assert.equal(info.proto, proto);
    assert.equal(info.srcPort, 0);
    assert.equal(info.dstPort, 0);
    assert.equal(info.ipBytes, 60, 'the outer packet is counted, the tunnel is not opened');
  }
});

test('ICMP echo uses the identifier as both ports; other ICMP is port-less', () => {
  const first = run(LinkType.RAW, ipv4({ proto: 1, payload: icmp(8, 0, 0x4242, 1) }));
  const r = first.r;
  let info = first.info;
  assert.equal(r, Decoded);
  assert.equal(info.icmpType, 8);
  assert.equal(info.icmpCode, 0);
  assert.equal(info.srcPort, 0x4242);
  assert.equal(info.dstPort, 0x4242);
  ({ info } = run(LinkType.RAW, ipv4({ proto: 1, payload: icmp(0, 0, 7, 1) })));
  assert.equal(info.srcPort, 7);
  ({ info } = run(LinkType.RAW, ipv4({ proto: 1, payload: icmp(3, 3, 0x1111, 0) })));
  assert.equal(info.icmpType, 3);
  assert.equal(info.icmpCode, 3);
  assert.equal(info.srcPort, 0);
  ({ info } = run(LinkType.RAW, ipv6({ nh: 58, payload: icmp(128, 0, 99, 1) })));
  assert.equal(info.icmpType, 128);
  assert.equal(info.srcPort, 99);
  assert.equal(info.dstPort, 99);
  ({ info } = run(LinkType.RAW, ipv6({ nh: 58, payload: icmp(135, 0, 99, 1) })));
  assert.equal(info.srcPort, 0);
});

test('IPv6: addresses, extension header chain, ESP stops the walk', () => {
  const payload = Buffer.concat([ext6(43), ext6(60), ext6(6), tcp(1234, 80, 0x18)]);
  // hop-by-hop → routing → destination options → TCP
  const pkt = ipv6({ src: 'fe80::1', dst: '2001:db8:0:1::99', nh: 0, payload });
  const { r, info } = run(LinkType.RAW, pkt);
  assert.equal(r, Decoded);
  assert.deepEqual([...info.src].map((w) => w >>> 0), words6('fe80::1'));
  assert.deepEqual([...info.dst].map((w) => w >>> 0), words6('2001:db8:0:1::99'));
  assert.equal(info.proto, 6);
  assert.equal(info.srcPort, 1234);
  assert.equal(info.dstPort, 80);
  assert.equal(info.tcpFlags, 0x18);
  assert.equal(info.ipBytes, 40 + payload.length);
  // AH (length in 4-byte units + 2) then UDP
  const ah = Buffer.alloc(24);
  ah[0] = 17;
  ah[1] = 4;
  const withAh = run(LinkType.RAW, ipv6({ nh: 51, payload: Buffer.concat([ah, udp(500, 4500)]) }));
  assert.equal(withAh.info.proto, 17);
  assert.equal(withAh.info.srcPort, 500);
  const esp = run(LinkType.RAW, ipv6({ nh: 50, payload: Buffer.alloc(32, 1) }));
  assert.equal(esp.info.proto, 50);
  assert.equal(esp.info.srcPort, 0);
  // Chain cut by the snaplen: still counted.
  const cut = run(LinkType.RAW, pkt.subarray(0, 44), pkt.length);
  assert.equal(cut.r, Decoded);
  assert.equal(cut.info.ipBytes, pkt.length);
  assert.equal(cut.info.srcPort, 0);
  assert.equal(run(LinkType.RAW, pkt.subarray(0, 39), pkt.length).r, SkipReason.TRUNCATED);
});

test('IPv6 jumbogram length from the hop-by-hop option', () => {
  const opt = Buffer.from([0xc2, 4, 0, 1, 0x11, 0x70]); // 70000
  const pkt = ipv6({ nh: 0, plen: 0, payload: Buffer.concat([ext6(17, opt), udp(1, 2)]) });
  const { r, info } = run(LinkType.RAW, pkt, 40 + 70000);
  assert.equal(r, Decoded);
  assert.equal(info.ipBytes, 40 + 70000);
  assert.equal(info.dstPort, 2);
});

test('IPv4 fragments in order: later fragments get the first fragment ports', () => {
  const dec = new PacketDecoder();
  const info = new PacketInfo();
  const first = ipv4({ proto: 17, id: 77, mf: true, payload: Buffer.concat([udp(5000, 53), Buffer.alloc(1472)]) });
  let res = run(LinkType.RAW, first, undefined, dec, info);
  assert.equal(res.r, Decoded);
  assert.equal(info.laterFragment, false);
  assert.equal(info.srcPort, 5000);
  const mid = ipv4({ proto: 17, id: 77, mf: true, fragOffset: 185, payload: Buffer.alloc(1480) });
  res = run(LinkType.RAW, mid, undefined, dec, info);
  assert.equal(res.r, Decoded);
  assert.equal(info.laterFragment, true);
  assert.equal(info.srcPort, 5000);
  assert.equal(info.dstPort, 53);
  assert.equal(info.ipBytes, 1500);
  const last = ipv4({ proto: 17, id: 77, fragOffset: 370, payload: Buffer.alloc(100) });
  run(LinkType.RAW, last, undefined, dec, info);
  assert.equal(info.dstPort, 53);
  // A different datagram id does not match.
  const other = ipv4({ proto: 17, id: 78, fragOffset: 370, payload: Buffer.alloc(100) });
  assert.equal(run(LinkType.RAW, other, undefined, dec, info).r, SkipReason.FRAGMENT_HELD);
});

test('IPv4 fragments out of order: held, then credited to the first fragment', () => {
  const dec = new PacketDecoder();
  const info = new PacketInfo();
  info.tsMs = 1000;
  const later1 = ipv4({ proto: 6, id: 9, mf: true, fragOffset: 185, payload: Buffer.alloc(1480) });
  const later2 = ipv4({ proto: 6, id: 9, fragOffset: 370, payload: Buffer.alloc(20) });
  assert.equal(run(LinkType.RAW, later1, undefined, dec, info).r, SkipReason.FRAGMENT_HELD);
  assert.equal(run(LinkType.RAW, later2, undefined, dec, info).r, SkipReason.FRAGMENT_HELD);
  const first = ipv4({ proto: 6, id: 9, mf: true, payload: Buffer.concat([tcp(80, 33000), Buffer.alloc(1460)]) });
  assert.equal(run(LinkType.RAW, first, undefined, dec, info).r, Decoded);
  assert.equal(info.srcPort, 80);
  assert.equal(info.ipBytes, 1500);
  assert.equal(info.heldPackets, 2);
  assert.equal(info.heldBytes, 1500 + 40);
  // Nothing left to drain.
  assert.equal(dec.drainHeld(info, () => assert.fail('nothing held')), 0);
});

test('fragments whose first never comes are drained at end of input, port-less', () => {
  const dec = new PacketDecoder();
  const info = new PacketInfo();
  info.tsMs = 5000;
  const later = ipv4({ proto: 17, id: 1, fragOffset: 100, payload: Buffer.alloc(500), src: '1.1.1.1', dst: '2.2.2.2' });
  run(LinkType.ETHERNET, ether(0x0800, later, [{ tpid: 0x8100, vid: 33 }]), undefined, dec, info);
  const v6later = ipv6({ nh: 44, payload: Buffer.concat([frag6(17, 10, false, 0xdeadbeef), Buffer.alloc(100)]) });
  info.tsMs = 5001;
  assert.equal(run(LinkType.RAW, v6later, undefined, dec, info).r, SkipReason.FRAGMENT_HELD);
  const seen: Array<[number, number, number, boolean, number, number]> = [];
  const n = dec.drainHeld(info, () => seen.push([info.ipVersion, info.ipBytes, info.vlan, info.laterFragment, info.srcPort, info.tsMs]));
  assert.equal(n, 2);
  assert.deepEqual(seen, [
    [4, 520, 33, true, 0, 5000],
    [6, 148, 0, true, 0, 5001],
  ]);
  assert.equal(dec.drainHeld(info, () => undefined), 0);
});

test('held fragments expire after 30 s of packet time and are released for draining', () => {
  const dec = new PacketDecoder();
  const info = new PacketInfo();
  info.tsMs = 1_000_000;
  run(LinkType.RAW, ipv4({ proto: 6, id: 5, fragOffset: 10, payload: Buffer.alloc(80) }), undefined, dec, info);
  info.tsMs = 1_010_000;
  run(LinkType.RAW, tcp4, undefined, dec, info);
  assert.equal(dec.hasReleasedFragments, false);
  info.tsMs = 1_031_000;
  run(LinkType.RAW, tcp4, undefined, dec, info);
  assert.equal(dec.hasReleasedFragments, true);
  let bytes = 0;
  assert.equal(dec.drainHeld(info, () => (bytes += info.ipBytes), true), 1);
  assert.equal(bytes, 100);
  assert.equal(dec.hasReleasedFragments, false);
});

test('the held-fragment table is bounded; overflow is released, not lost', () => {
  const dec = new PacketDecoder();
  const info = new PacketInfo();
  const N = 5000;
  for (let i = 0; i < N; i++) {
    const r = run(LinkType.RAW, ipv4({ proto: 17, id: i, fragOffset: 10, payload: Buffer.alloc(8) }), undefined, dec, info).r;
    assert.equal(r, SkipReason.FRAGMENT_HELD);
  }
  assert.equal(dec.hasReleasedFragments, true);
  let n = dec.drainHeld(info, () => undefined, true);
  assert.ok(n > 0 && n < N);
  n += dec.drainHeld(info, () => undefined);
  assert.equal(n, N);
  assert.equal(dec.droppedFragments, 0);
});

test('IPv6 fragments: first walks on to the transport; later ones get its ports', () => {
  const dec = new PacketDecoder();
  const info = new PacketInfo();
  const later = ipv6({ nh: 44, payload: Buffer.concat([frag6(17, 181, false, 0x01020304), Buffer.alloc(200)]) });
  assert.equal(run(LinkType.RAW, later, undefined, dec, info).r, SkipReason.FRAGMENT_HELD);
  const first = ipv6({ nh: 44, payload: Buffer.concat([frag6(17, 0, true, 0x01020304), udp(4444, 53), Buffer.alloc(1440)]) });
  assert.equal(run(LinkType.RAW, first, undefined, dec, info).r, Decoded);
  assert.equal(info.proto, 17);
  assert.equal(info.srcPort, 4444);
  assert.equal(info.heldPackets, 1);
  assert.equal(info.heldBytes, 40 + 8 + 200);
  const again = ipv6({ nh: 44, payload: Buffer.concat([frag6(17, 362, false, 0x01020304), Buffer.alloc(10)]) });
  assert.equal(run(LinkType.RAW, again, undefined, dec, info).r, Decoded);
  assert.equal(info.laterFragment, true);
  assert.equal(info.dstPort, 53);
  // Atomic fragment (offset 0, M clear) is an ordinary packet.
  const atomic = ipv6({ nh: 44, payload: Buffer.concat([frag6(6, 0, false, 5), tcp(1, 2)]) });
  assert.equal(run(LinkType.RAW, atomic, undefined, dec, info).r, Decoded);
  assert.equal(info.laterFragment, false);
  assert.equal(info.srcPort, 1);
});

test('later fragments of port-less protocols are not held', () => {
  const { r, info } = run(LinkType.RAW, ipv4({ proto: 47, id: 3, fragOffset: 100, payload: Buffer.alloc(64) }));
  assert.equal(r, Decoded);
  assert.equal(info.laterFragment, true);
  assert.equal(info.proto, 47);
});

test('every field is reset between packets', () => {
  const dec = new PacketDecoder();
  const info = new PacketInfo();
  run(LinkType.ETHERNET, ether(0x0800, ipv4({ proto: 1, payload: icmp(8, 0, 5) }), [{ tpid: 0x8100, vid: 9 }]), undefined, dec, info);
  assert.equal(run(LinkType.ETHERNET, ether(0x0806, Buffer.alloc(28)), undefined, dec, info).r, SkipReason.NOT_IP);
  assert.deepEqual([info.ipVersion, info.proto, info.srcPort, info.dstPort, info.ipBytes, info.icmpType, info.vlan], [0, 0, 0, 0, 0, -1, 0]);
  assert.deepEqual([...info.src, ...info.dst], [0, 0, 0, 0, 0, 0, 0, 0]);
});

test('random bytes never throw, for every link type', () => {
  const dec = new PacketDecoder();
  const info = new PacketInfo();
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const lts = [0, 1, 8, 9, 11, 12, 14, 50, 51, 100, 101, 104, 105, 107, 108, 113, 127, 192, 226, 228, 229, 239, 258, 276];
  for (let i = 0; i < 20000; i++) {
    const len = Math.floor(rnd() * 120);
    const b = Buffer.alloc(len);
    for (let j = 0; j < len; j++) b[j] = Math.floor(rnd() * 256);
    if (len > 14 && rnd() < 0.5) b[14] = 0x45; // bias towards IP-looking bytes
    const r = dec.decode(lts[i % lts.length], b, 0, len, len + Math.floor(rnd() * 100), info);
    assert.ok(r >= 0 && r <= 7);
    if (r === Decoded) assert.ok(info.ipBytes >= 0 && Number.isInteger(info.ipBytes));
  }
});

test('sFlow header protocols map to link types the decoder opens', () => {
  assert.equal(linkTypeForSflowHeader(1), LinkType.ETHERNET);
  assert.equal(linkTypeForSflowHeader(11), LinkType.IPV4);
  assert.equal(linkTypeForSflowHeader(12), LinkType.IPV6);
  assert.equal(linkTypeForSflowHeader(3), -1);
  const { r, info } = run(linkTypeForSflowHeader(11), tcp4);
  assert.equal(r, Decoded);
  assert.equal(info.dstPort, 443);
});

test('transport payload bounds for TCP and UDP; none for a header-only packet or ICMP', () => {
  const data = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  const t = run(LinkType.ETHERNET, ether(0x0800, ipv4({ proto: 6, payload: tcp(40000, 80, 0x18, data) })));
  const buf = Buffer.concat([Buffer.alloc(7, 0xee), ether(0x0800, ipv4({ proto: 6, payload: tcp(40000, 80, 0x18, data) }))]);
  assert.equal(buf.subarray(t.info.payloadStart, t.info.payloadEnd).toString(), data.toString());
  const payload = Buffer.from([1, 2, 3, 4, 5]);
  const u = run(LinkType.RAW, ipv4({ proto: 17, payload: udp(5000, 2055, payload) }));
  assert.equal(u.info.payloadEnd - u.info.payloadStart, 5);
  // Link padding after the IP length is not payload.
  const padded = run(LinkType.ETHERNET, Buffer.concat([ether(0x0800, ipv4({ proto: 17, payload: udp(5000, 2055, payload) })), Buffer.alloc(9)]));
  assert.equal(padded.info.payloadEnd - padded.info.payloadStart, 5);
  assert.ok(run(LinkType.RAW, tcp4).info.payloadEnd - run(LinkType.RAW, tcp4).info.payloadStart === 10);
  const bare = run(LinkType.RAW, ipv4({ proto: 6, payload: tcp(1, 2) }));
  assert.ok(bare.info.payloadEnd <= bare.info.payloadStart);
  const echo = run(LinkType.RAW, ipv4({ proto: 1, payload: icmp(8, 0, 7, 1, Buffer.alloc(8)) }));
  assert.ok(echo.info.payloadEnd <= echo.info.payloadStart);
});
