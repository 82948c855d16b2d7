import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr, rangeContains } from './cidr.js';
import { addrHiLo } from '../util/ip.js';
import { UsageError } from '../util/errors.js';

const M64 = 2n ** 64n - 1n;
const inside = (cidr: string, addr: string): boolean => {
  const { hi, lo } = addrHiLo(addr);
  return rangeContains(parseCidr(cidr), hi, lo);
};

test('IPv4 CIDR ranges live in ::ffff:0:0/96', () => {
  const r = parseCidr('192.168.1.0/24');
  assert.deepEqual(r, { text: '192.168.1.0/24', hiMin: 0n, hiMax: 0n, loMin: 0xffffc0a80100n, loMax: 0xffffc0a801ffn });
  assert.equal(parseCidr('192.168.1.77/24').text, '192.168.1.0/24'); // host bits cleared
  assert.equal(parseCidr('10.1.2.3').text, '10.1.2.3');
  assert.equal(parseCidr('10.1.2.3/32').text, '10.1.2.3');
  const all = parseCidr('0.0.0.0/0');
  assert.deepEqual([all.loMin, all.loMax], [0xffff00000000n, 0xffffffffffffn]);
  assert.ok(inside('192.168.1.0/24', '192.168.1.255'));
  assert.ok(!inside('192.168.1.0/24', '192.168.2.0'));
  assert.ok(inside('0.0.0.0/0', '8.8.8.8'));
  assert.ok(!inside('0.0.0.0/0', '2001:db8::1')); // IPv4 /0 is all IPv4, not all addresses
});

test('IPv6 CIDR ranges', () => {
  const all = parseCidr('::/0');
  assert.deepEqual(all, { text: '::/0', hiMin: 0n, hiMax: M64, loMin: 0n, loMax: M64 });
  const d = parseCidr('2001:db8::/32');
  assert.equal(d.hiMin, 0x20010db800000000n);
  assert.equal(d.hiMax, 0x20010db8ffffffffn);
  assert.deepEqual([d.loMin, d.loMax], [0n, M64]);
  const h = parseCidr('2001:db8::1/128');
  assert.equal(h.text, '2001:db8::1');
  assert.deepEqual([h.hiMin, h.hiMax, h.loMin, h.loMax], [0x20010db800000000n, 0x20010db800000000n, 1n, 1n]);
  const p64 = parseCidr('2001:db8:1:2:ffff::/64');
  assert.equal(p64.text, '2001:db8:1:2::/64');
  assert.deepEqual([p64.loMin, p64.loMax], [0n, M64]);
  const p65 = parseCidr('2001:db8:1:2::/65');
  assert.deepEqual([p65.hiMin, p65.hiMax, p65.loMin, p65.loMax], [0x20010db800010002n, 0x20010db800010002n, 0n, 2n ** 63n - 1n]);
  assert.ok(inside('2001:db8::/32', '2001:db8:ffff::1'));
  assert.ok(!inside('2001:db8::/32', '2001:db9::'));
  assert.ok(inside('::/0', '10.0.0.1')); // the whole space includes mapped IPv4
});

test('IPv4-mapped CIDR equals the IPv4 one', () => {
  assert.deepEqual(parseCidr('::ffff:192.168.1.0/120'), parseCidr('192.168.1.0/24'));
  assert.equal(parseCidr('::ffff:10.0.0.0/104').text, '10.0.0.0/8');
});

test('hostile and malformed input', () => {
  const bad = [
    '', '/24', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/24/8', '10.0.0.0/ 24', '2001:db8::/129', '2001:db8::/0x10',
    "1.2.3.4'; DROP TABLE flows;--", '1.2.3.4/24; DROP TABLE flows', 'localhost', 'fe80::1%eth0/64', '999.1.1.1/8',
  ];
  for (const b of bad) {
    assert.throws(() => parseCidr(b, '--subnet'), (e: unknown) => e instanceof UsageError && e.message.startsWith('--subnet'), JSON.stringify(b));
  }
});
