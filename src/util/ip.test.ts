import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AddrCache, addrHiLo, canonicalAddr, formatAddr, parseIp, parseIpInto, tryParseIp, wordsHiLo } from './ip.js';
import { UsageError } from './errors.js';

test('IPv4 parses to the mapped form and formats back', () => {
  assert.deepEqual([...parseIp('192.168.1.66')], [0, 0, 0xffff, 0xc0a80142]);
  assert.equal(formatAddr(parseIp('0.0.0.0')), '0.0.0.0');
  assert.equal(formatAddr(parseIp('255.255.255.255')), '255.255.255.255');
});

test('IPv6 forms, RFC 5952 output', () => {
  const cases: Array<[string, string]> = [
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of equal runs
    ['2001:0db8:0000:0000:0001:0000:0000:0000', '2001:db8:0:0:1::'], // longest run wins
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['fe80::', 'fe80::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:10.0.0.1', '10.0.0.1'], // IPv4-mapped shows as IPv4
    ['::FFFF:0a00:0001', '10.0.0.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'], // embedded IPv4 accepted on input
    ['::1.2.3.4', '::102:304'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalAddr(input), want, input);
});

test('garbage is rejected', () => {
  const bad = [
    '', ' ', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4 ', '1..2.3', '-1.2.3.4', '1.2.3.4/',
    ':::', '1::2::3', '12345::', 'g::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', ':1::', '1::2:', '::1.2.3',
    '1.2.3.4::', 'fe80::1%eth0', "1.2.3.4'; DROP TABLE flows;--", '0x01020304', '１.２.３.４',
  ];
  for (const b of bad) {
    assert.equal(tryParseIp(b), null, JSON.stringify(b));
    assert.throws(() => parseIp(b), UsageError);
  }
});

test('hi/lo halves', () => {
  assert.deepEqual(addrHiLo('192.168.1.1'), { hi: 0n, lo: 0xffffc0a80101n });
  assert.deepEqual(addrHiLo('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), { hi: 2n ** 64n - 1n, lo: 2n ** 64n - 1n });
  assert.deepEqual(addrHiLo('2001:db8::1'), { hi: 0x20010db800000000n, lo: 1n });
  assert.deepEqual(addrHiLo('2001:db8::1'), addrHiLo('2001:DB8:0::1')); // cache by text is still correct
});

test('property: parse(format(w)) == w and format is a fixed point', () => {
  const word = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffffffff }));
  fc.assert(
    fc.property(fc.tuple(word, word, word, word), (t) => {
      const w = Uint32Array.from(t);
      const text = formatAddr(w);
      const back = parseIp(text);
      assert.deepEqual([...back], [...w]);
      assert.equal(formatAddr(back), text);
      assert.deepEqual(wordsHiLo(back), wordsHiLo(w));
    }),
    { numRuns: 2000 },
  );
});

test('property: AddrCache gives what formatAddr and parseIpInto give, hits, misses and resets alike', () => {
  const word = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffffffff }));
  // A tiny bound: the cache is reset again and again; signed words (an Int32Array's) read as unsigned.
  const cache = new AddrCache(4);
  fc.assert(
    fc.property(fc.array(fc.tuple(word, word, word, word), { minLength: 1, maxLength: 12 }), (list) => {
      for (const t of [...list, ...list]) {
        const w = Uint32Array.from(t);
        const text = formatAddr(w);
        assert.equal(cache.text(new Int32Array(w.buffer)), text);
        const out = new Uint32Array(6);
        const want = new Uint32Array(6);
        assert.equal(cache.parseInto(text, out, 2), parseIpInto(text, want, 2));
        assert.deepEqual([...out], [...want]);
      }
    }),
    { numRuns: 500 },
  );
  assert.equal(cache.parseInto('not an address', new Uint32Array(4), 0), false);
});
