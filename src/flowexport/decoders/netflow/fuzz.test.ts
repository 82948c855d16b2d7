/** Hostile input: random bytes and mutations of every corpus datagram never crash or hang the decoder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { HealthBook } from '../../model.js';
import { createNetflowDecoder } from './index.js';
import { readExportDatagrams } from '../../../testing/flowexport-datagrams.js';
import { corpusDir, corpusMissing } from '../../../testing/corpus-dir.js';
import { feed, mutations, randomDatagrams } from '../../../testing/flowexport-fuzz.js';
import { ipfixMessage, templateSet, u16, v9Packet } from '../../../testing/flowexport-builders.js';

const DIR = corpusDir('exporters');
const MISSING = corpusMissing(DIR);

test('random datagrams (v5, v9, IPFIX headers and none)', () => {
  const book = new HealthBook();
  const dec = createNetflowDecoder(book, { limits: { templatesTotal: 256, heldBytesTotal: 1 << 16 } });
  fc.assert(fc.property(fc.array(randomDatagrams([u16(5), u16(9), u16(10), v9Packet({ sets: [] }), ipfixMessage({ sets: [] }).subarray(0, 16)]), { maxLength: 20 }), (ds) => {
    feed(dec, ds);
  }), { numRuns: 400, seed: 42 });
  dec.finish();
  assert.ok(book.all().reduce((n, h) => n + h.errors, 0) > 0);
});

test('random templates followed by random data for them', () => {
  const dec = createNetflowDecoder(new HealthBook());
  const spec = fc.record({ id: fc.nat(400), len: fc.oneof(fc.constantFrom(0, 1, 2, 4, 8, 16, 0xffff), fc.nat(0xffff)), pen: fc.option(fc.nat(40000), { nil: undefined }) });
  fc.assert(fc.property(fc.boolean(), fc.array(spec, { maxLength: 12 }), fc.uint8Array({ maxLength: 800 }), (ipfix, fields, data) => {
    const tpl = templateSet(ipfix, [{ id: 256, fields }]);
    const body = Buffer.concat([u16(256), u16(4 + data.length), Buffer.from(data)]);
    const msg = ipfix ? ipfixMessage({ sets: [tpl, body] }) : v9Packet({ sets: [tpl, body] });
    feed(dec, [msg]);
  }), { numRuns: 500, seed: 7 });
});

test('mutations of every NetFlow/IPFIX corpus datagram (truncations, bit flips, splices, extreme lengths)', { skip: MISSING }, async () => {
  const files = readdirSync(DIR).filter((f) => f.startsWith('netflow-')).sort();
  // Templates first, so that mutated data meets real templates.
  files.sort((a, b) => Number(!/template/.test(a)) - Number(!/template/.test(b)));
  const all: Buffer[] = [];
  for (const f of files) for (const d of await readExportDatagrams(join(DIR, f))) all.push(d.payload);
  assert.ok(all.length >= 27);
  const book = new HealthBook();
  const dec = createNetflowDecoder(book);
  feed(dec, all);
  const t0 = Date.now();
  let tried = 0;
  all.forEach((d, i) => {
    const ms = mutations(d, all[(i + 1) % all.length], i + 1);
    tried += ms.length;
    feed(dec, ms);
    feed(dec, all.slice(0, 3)); // and the real ones still decode in between
  });
  dec.finish();
  assert.ok(tried > 5000, String(tried));
  assert.ok(Date.now() - t0 < 20_000);
  assert.ok(book.all().reduce((n, h) => n + h.errors, 0) > 0);
});
