/** Hostile input: random bytes and mutations of every sFlow corpus datagram never crash or hang the decoder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { HealthBook } from '../../model.js';
import { createSflowDecoder } from './index.js';
import { readExportDatagrams } from '../../../testing/flowexport-datagrams.js';
import { corpusDir, corpusMissing } from '../../../testing/corpus-dir.js';
import { feed, mutations, randomDatagrams } from '../../../testing/flowexport-fuzz.js';
import { u32 } from '../../../testing/flowexport-builders.js';

const DIR = corpusDir('exporters');
const MISSING = corpusMissing(DIR);

test('random datagrams (sFlow v5 headers with v4/v6 agents, and none)', () => {
  const dec = createSflowDecoder(new HealthBook());
  const v4 = Buffer.concat([u32(5), u32(1), u32(0x0a000001), u32(0), u32(1), u32(0)]);
  const v6 = Buffer.concat([u32(5), u32(2), Buffer.alloc(16, 1), u32(0), u32(1), u32(0)]);
  fc.assert(fc.property(fc.array(randomDatagrams([u32(5), v4, v6]), { maxLength: 20 }), (ds) => {
    feed(dec, ds);
  }), { numRuns: 500, seed: 42 });
});

test('mutations of every sFlow corpus datagram (truncations, bit flips, splices, extreme lengths)', { skip: MISSING }, async () => {
  const all: Buffer[] = [];
  for (const f of readdirSync(DIR).filter((x) => x.startsWith('sflow-')).sort()) for (const d of await readExportDatagrams(join(DIR, f))) all.push(d.payload);
  assert.ok(all.length >= 60);
  const book = new HealthBook();
  const dec = createSflowDecoder(book);
  const t0 = Date.now();
  let tried = 0;
  all.forEach((d, i) => {
    const ms = mutations(d, all[(i + 1) % all.length], i + 1);
    tried += ms.length;
    feed(dec, ms);
  });
  assert.ok(tried > 10_000, String(tried));
  assert.ok(Date.now() - t0 < 20_000);
  assert.ok(book.all().reduce((n, h) => n + h.errors, 0) > 0);
});
