import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familyOf } from './dispatch.js';
import { readSocketLine } from './transport/udp.js';

describe('familyOf', () => {
  const u16 = (v: number) => Buffer.from([v >> 8, v & 255, 0, 1, 0, 0, 0, 0]);
  it('tells NetFlow v5/v9, IPFIX and sFlow v5 apart by the version field', () => {
    assert.equal(familyOf(u16(5), 'auto'), 'netflow');
    assert.equal(familyOf(u16(9), 'auto'), 'netflow');
    assert.equal(familyOf(u16(10), 'auto'), 'ipfix');
    assert.equal(familyOf(Buffer.from([0, 0, 0, 5, 0, 0, 0, 1]), 'auto'), 'sflow');
    assert.equal(familyOf(u16(10), 'netflow'), 'ipfix', 'an IPFIX message on the NetFlow port is IPFIX');
  });
  it('unknown content: none when replaying, the NetFlow decoder (which counts it) on a NetFlow port, sFlow on an sFlow port', () => {
    const dns = Buffer.from('12340100000100000000000003777777', 'hex');
    assert.equal(familyOf(dns, 'auto'), null);
    assert.equal(familyOf(dns, 'netflow'), 'netflow');
    assert.equal(familyOf(dns, 'sflow'), 'sflow');
    assert.equal(familyOf(Buffer.alloc(2), 'auto'), null);
  });
});

describe('readSocketLine', () => {
  const table = [
    '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
    '  481: 0100007F:0807 00000000:0000 07 00000000:00000A00 00:00000000 00000000     0        0 123 2 0000000000000000 17',
    '  900: 00000000:18BB 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 124 2 0000000000000000 0',
  ].join('\n');
  it('reads the drops and the receive queue of the socket bound to the port', () => {
    assert.deepEqual(readSocketLine('', 2055, table), { drops: 17, rxQueue: 2560 });
    assert.deepEqual(readSocketLine('', 6331, table), { drops: 0, rxQueue: 0 });
    assert.equal(readSocketLine('', 4739, table), null);
    assert.equal(readSocketLine('/nonexistent/proc/net/udp', 2055), null);
  });
});
