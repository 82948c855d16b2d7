import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodingSink } from './sink.js';
import { SkipReason } from './packet.js';
import { LinkType } from './linktypes.js';
import { ether, ipv4, tcp, udp } from '../testing/frames.js';

test('DecodingSink: decoded packets, skips by reason, held fragments credited or drained', () => {
  const seen: Array<[number, number, number, number, boolean]> = [];
  const sink = new DecodingSink((i) => seen.push([i.ipBytes, i.srcPort, i.heldBytes, i.heldPackets, i.laterFragment]));
  const frame = (b: Buffer, ts = 1000) => sink.frame(LinkType.ETHERNET, b, 0, b.length, b.length, ts);
  frame(ether(0x0800, ipv4({ proto: 6, payload: tcp(1000, 80) })));
  frame(ether(0x0806, Buffer.alloc(28)));
  frame(ether(0x0800, ipv4({ proto: 17, id: 1, fragOffset: 10, payload: Buffer.alloc(30) })));
  frame(ether(0x0800, ipv4({ proto: 17, id: 1, mf: true, payload: Buffer.concat([udp(53, 53), Buffer.alloc(72)]) })));
  frame(ether(0x0800, ipv4({ proto: 17, id: 2, fragOffset: 10, payload: Buffer.alloc(10) })));
  sink.finish();
  assert.equal(sink.decoded, 2);
  assert.equal(sink.held, 2);
  assert.equal(sink.drained, 1);
  assert.equal(sink.skips[SkipReason.NOT_IP], 1);
  assert.equal(sink.skips[SkipReason.FRAGMENT_HELD], 0);
  assert.deepEqual(seen, [
    [40, 1000, 0, 0, false],
    [100, 53, 50, 1, false],
    [30, 0, 0, 0, true],
  ]);
});
