import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openCaptureFile, readCapture } from './reader.js';
import { CaptureFormatError, type CaptureReadStats } from './frame.js';
import { chunked, chunkedBy, CollectSink, Ng, pcapFile, type SeenFrame } from '../../testing/captures.js';

async function read(b: Buffer, chunk = b.length || 1): Promise<{ stats: CaptureReadStats; frames: SeenFrame[] }> {
  const sink = new CollectSink();
  const stats = await readCapture(chunked(b, chunk), sink);
  return { stats, frames: sink.frames };
}

/** Reads with several chunkings and checks they all agree with the one-chunk read. */
async function readEveryWay(b: Buffer): Promise<{ stats: CaptureReadStats; frames: SeenFrame[] }> {
  const whole = await read(b);
  for (const size of [1, 2, 3, 5, 17, 64, 1000]) {
    const r = await read(b, size);
    assert.deepEqual(r.frames, whole.frames, `chunk size ${size}`);
    // A read that stopped early need not have consumed the same number of input bytes.
    const stopped = whole.stats.warnings.some((w) => w.endsWith('stopping'));
    assert.deepEqual({ ...r.stats, bytesRead: stopped ? 0 : r.stats.bytesRead }, { ...whole.stats, bytesRead: stopped ? 0 : whole.stats.bytesRead }, `chunk size ${size}`);
  }
  return whole;
}

const f1 = Buffer.from('00112233445566778899aabbccdd', 'hex');
const f2 = Buffer.from('deadbeef01', 'hex');

test('pcap little-endian, microseconds', async () => {
  const file = pcapFile({ linkType: 1 }, [
    { sec: 1700000000, frac: 123456, data: f1 },
    { sec: 1700000001, frac: 999999, data: f2, orig: 1514 },
  ]);
  const { stats, frames } = await readEveryWay(file);
  assert.deepEqual(stats, { format: 'pcap', frames: 2, bytesRead: file.length, warnings: [] });
  assert.deepEqual(frames, [
    { linkType: 1, data: f1.toString('hex'), capLen: 14, origLen: 14, tsMs: 1700000000123 },
    { linkType: 1, data: f2.toString('hex'), capLen: 5, origLen: 1514, tsMs: 1700000001999 },
  ]);
});

test('pcap big-endian and nanosecond magic', async () => {
  for (const le of [true, false]) {
    const file = pcapFile({ le, nano: true, linkType: 113 }, [{ sec: 1600000000, frac: 987654321, data: f1 }]);
    const { frames } = await readEveryWay(file);
    assert.deepEqual(frames, [{ linkType: 113, data: f1.toString('hex'), capLen: 14, origLen: 14, tsMs: 1600000000987 }]);
  }
  const be = pcapFile({ le: false, linkType: 101 }, [{ sec: 1, frac: 2000, data: f2 }]);
  assert.deepEqual((await read(be)).frames[0], { linkType: 101, data: f2.toString('hex'), capLen: 5, origLen: 5, tsMs: 1002 });
});

test('pcap link type field: FCS bits are masked off', async () => {
  const file = pcapFile({ linkType: 0x10000000 | 0x04000000 | 1 }, [{ sec: 1, frac: 0, data: f1 }]);
  assert.equal((await read(file)).frames[0].linkType, 1);
});

test('pcap truncated last record: frames before it, and a warning', async () => {
  const file = pcapFile({}, [
    { sec: 1, frac: 0, data: f1 },
    { sec: 2, frac: 0, data: f1 },
  ]);
  for (const cut of [3, 10, 20]) {
    const { stats, frames } = await readEveryWay(file.subarray(0, file.length - cut));
    assert.equal(frames.length, 1);
    assert.equal(stats.warnings.length, 1);
    assert.match(stats.warnings[0], /^truncated record at end of input/);
  }
});

test('pcap absurd record length stops with a warning, without allocating it', async () => {
  const file = pcapFile({ snaplen: 65535 }, [{ sec: 1, frac: 0, data: f1 }, { sec: 2, frac: 0, data: f2 }]);
  file.writeUInt32LE(0xfffffff0, 24 + 16 + 14 + 8); // second record's caplen
  const { stats, frames } = await readEveryWay(file);
  assert.equal(frames.length, 1);
  assert.deepEqual(stats.warnings, [`record length ${0xfffffff0} exceeds limit 131071, stopping`]);
  // Far above a small snaplen also stops.
  const small = pcapFile({ snaplen: 96 }, [{ sec: 1, frac: 0, data: Buffer.alloc(200000) }]);
  assert.match((await read(small)).stats.warnings[0], /exceeds limit/);
});

test('not a capture: CaptureFormatError with a one-line message', async () => {
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.alloc(0), /empty input/],
    [Buffer.from('GET / HTTP/1.1\r\n\r\n'), /not a pcap or pcapng capture \(unknown magic number 0x47455420\)/],
    [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), /gzip/],
    [Buffer.from([0xd4, 0xc3]), /too short/],
    [pcapFile({}, []).subarray(0, 10), /truncated pcap file header/],
    [Buffer.from('0a0d0d0a1c000000deadbeef', 'hex'), /bad byte-order magic/],
  ];
  for (const [input, re] of cases) {
    for (const size of [1, 1000]) {
      await assert.rejects(read(input, size), (e: unknown) => e instanceof CaptureFormatError && re.test(e.message) && !e.message.includes('\n'));
    }
  }
});

test('empty pcap (header only) is a valid capture with no frames', async () => {
  const { stats } = await readEveryWay(pcapFile({}, []));
  assert.equal(stats.frames, 0);
  assert.deepEqual(stats.warnings, []);
});

test('pcapng: two interfaces with different link types, resolutions and offset', async () => {
  const ng = new Ng(true);
  const file = Buffer.concat([
    ng.shb(),
    ng.idb(1, 65535),
    ng.idb(113, 262144, { tsresol: 9, tsoffset: 100n }),
    ng.idb(101, 0, { tsresol: 0x80 | 10 }), // 2^-10 s
    ng.epb(0, 1700000000123456n, f1, 1514, true),
    ng.block(4, Buffer.alloc(20)), // NRB
    ng.epb(1, 1700000000987654321n, f2),
    ng.block(5, Buffer.alloc(28)), // ISB
    ng.block(0x40000bad, Buffer.alloc(100)), // custom
    ng.epb(2, 1024n * 5n + 512n, f1),
    ng.block(0x0a, Buffer.alloc(8)), // DSB
  ]);
  const { stats, frames } = await readEveryWay(file);
  assert.deepEqual(stats, { format: 'pcapng', frames: 3, bytesRead: file.length, warnings: [] });
  assert.deepEqual(frames, [
    { linkType: 1, data: f1.toString('hex'), capLen: 14, origLen: 1514, tsMs: 1700000000123 },
    { linkType: 113, data: f2.toString('hex'), capLen: 5, origLen: 5, tsMs: 1700000100987 },
    { linkType: 101, data: f1.toString('hex'), capLen: 14, origLen: 14, tsMs: 5500 },
  ]);
});

test('pcapng big-endian section, SPB and OPB', async () => {
  const ng = new Ng(false);
  const file = Buffer.concat([
    ng.shb(),
    ng.idb(1, 8),
    ng.spb(f1), // cut to the interface snaplen
    ng.spb(f2), // block data is padded to 8: the original length trims it
    ng.opb(0, 1500000000000000n, f2),
  ]);
  const { stats, frames } = await readEveryWay(file);
  assert.deepEqual(stats.warnings, []);
  assert.deepEqual(frames, [
    { linkType: 1, data: f1.subarray(0, 8).toString('hex'), capLen: 8, origLen: 14, tsMs: 0 },
    { linkType: 1, data: f2.toString('hex'), capLen: 5, origLen: 5, tsMs: 0 },
    { linkType: 1, data: f2.toString('hex'), capLen: 5, origLen: 5, tsMs: 1500000000000 },
  ]);
});

test('pcapng: a new section resets interfaces and may switch byte order', async () => {
  const a = new Ng(true);
  const b = new Ng(false);
  const file = Buffer.concat([
    a.shb(), a.idb(1), a.idb(113), a.epb(1, 1000n, f1),
    b.shb(), b.idb(101), b.epb(0, 2000n, f2), b.epb(1, 3000n, f2), // interface 1 no longer exists
  ]);
  const { stats, frames } = await readEveryWay(file);
  assert.deepEqual(frames.map((f) => [f.linkType, f.tsMs]), [[113, 1], [101, 2]]);
  assert.deepEqual(stats.warnings, ['packet for undeclared interface 1 skipped']);
});

test('pcapng hostile lengths: bad, huge, truncated', async () => {
  const ng = new Ng(true);
  const good = Buffer.concat([ng.shb(), ng.idb(1), ng.epb(0, 0n, f1)]);
  const badLen = Buffer.concat([good, Buffer.from('0600000007000000000000000000000000000000', 'hex')]);
  let r = await readEveryWay(badLen);
  assert.equal(r.frames.length, 1);
  assert.deepEqual(r.stats.warnings, ['bad block length 7, stopping']);
  const huge = Buffer.concat([good, Buffer.from('06000000f0ffff7f000000000000000000000000', 'hex')]);
  r = await readEveryWay(huge);
  assert.match(r.stats.warnings[0], /^record length 2147483632 exceeds limit \d+, stopping$/);
  // An unknown block claiming 1 GiB: skipped without buffering, then reported as truncated.
  const bigSkip = Buffer.concat([good, Buffer.from('0b00000000000040000000000000000000', 'hex')]);
  r = await readEveryWay(bigSkip);
  assert.equal(r.frames.length, 1);
  assert.match(r.stats.warnings[0], /^truncated block at end of input/);
  // EPB whose caplen is beyond its block.
  const epb = ng.epb(0, 0n, f1);
  epb.writeUInt32LE(1000, 20);
  r = await readEveryWay(Buffer.concat([good, epb, ng.epb(0, 0n, f2)]));
  assert.equal(r.frames.length, 2);
  assert.deepEqual(r.stats.warnings, ['packet block with captured length beyond its block skipped']);
  // Truncated last block.
  r = await readEveryWay(good.subarray(0, good.length - 6));
  assert.equal(r.frames.length, 0);
  assert.match(r.stats.warnings[0], /^truncated record at end of input/);
});

test('afterChunk is called with the running byte count and awaited', async () => {
  const file = pcapFile({}, [{ sec: 1, frac: 0, data: f1 }, { sec: 2, frac: 0, data: f2 }]);
  const seen: number[] = [];
  let pendingWork = false;
  const sink = new CollectSink();
  await readCapture(chunked(file, 10), {
    frame(...args: Parameters<CollectSink['frame']>) {
      assert.equal(pendingWork, false, 'frames are not processed while afterChunk is pending');
      sink.frame(...args);
    },
  }, {
    afterChunk: async (n) => {
      seen.push(n);
      pendingWork = true;
      await new Promise((r) => setTimeout(r, 1));
      pendingWork = false;
    },
  });
  assert.equal(seen.length, Math.ceil(file.length / 10));
  assert.equal(seen[seen.length - 1], file.length);
  assert.equal(sink.frames.length, 2);
});

test('property: any chunking gives the same frames as one chunk', async () => {
  const ng = new Ng(true);
  const recs = Array.from({ length: 30 }, (_, i) => ({ sec: i, frac: i * 1000, data: Buffer.alloc(i * 7 + 1, i) }));
  const files = [
    pcapFile({}, recs),
    pcapFile({ le: false, nano: true }, recs),
    Buffer.concat([ng.shb(), ng.idb(1), ...recs.map((r, i) => ng.epb(0, BigInt(i), r.data)), ng.block(5, Buffer.alloc(40))]),
  ];
  for (const file of files) {
    const whole = await read(file);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), async (sizes) => {
        const sink = new CollectSink();
        const stats = await readCapture(chunkedBy(file, sizes), sink);
        assert.deepEqual(sink.frames, whole.frames);
        assert.deepEqual(stats, whole.stats);
      }),
      { numRuns: 60 },
    );
  }
});

/** Outcome of a read that may fail: frames and warnings, or the format error message. */
async function outcome(input: AsyncIterable<Buffer>): Promise<string> {
  const sink = new CollectSink();
  try {
    const stats = await readCapture(input, sink);
    return JSON.stringify({ frames: sink.frames, n: stats.frames, warnings: stats.warnings });
  } catch (e) {
    if (e instanceof CaptureFormatError) return `CaptureFormatError: ${e.message}`;
    throw e;
  }
}

test('property: corrupted captures never crash, and chunking never changes the outcome', async () => {
  const ng = new Ng(true);
  const recs = Array.from({ length: 8 }, (_, i) => ({ sec: i, frac: i, data: Buffer.alloc(10 + i * 3, i) }));
  const seeds = [
    pcapFile({}, recs),
    pcapFile({ le: false }, recs),
    Buffer.concat([ng.shb(), ng.idb(1, 64, { tsresol: 9 }), ...recs.map((r, i) => ng.epb(0, BigInt(i), r.data)), ng.spb(recs[0].data), ng.block(4, Buffer.alloc(8))]),
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: seeds.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 8 }),
      async (which, edits, cutAt, sizes) => {
        const file = Buffer.from(seeds[which]);
        for (const [at, v] of edits) file[at % file.length] = v;
        const input = file.subarray(0, file.length - (cutAt % 40));
        const whole = await outcome(chunked(input, input.length || 1));
        const pieces = await outcome(chunkedBy(input, sizes));
        assert.equal(pieces, whole);
      },
    ),
    { numRuns: 400 },
  );
});

test('openCaptureFile reads a file bigger than one read chunk, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-pcap-'));
  try {
    const recs = Array.from({ length: 9000 }, (_, i) => ({ sec: i, frac: 0, data: Buffer.alloc(1000, i & 0xff) }));
    const file = pcapFile({}, recs);
    const path = join(dir, 'big.pcap');
    writeFileSync(path, file);
    const chunks: Buffer[] = [];
    for await (const c of openCaptureFile(path)) chunks.push(Buffer.from(c));
    assert.ok(chunks.length >= 3);
    assert.ok(Buffer.concat(chunks).equals(file));
    let n = 0;
    let ok = true;
    const stats = await readCapture(openCaptureFile(path), {
      frame(_lt, buf, off, cap, _orig, ts) {
        ok &&= cap === 1000 && buf[off] === (n & 0xff) && buf[off + 999] === (n & 0xff) && ts === n * 1000;
        n++;
      },
    });
    assert.equal(stats.frames, 9000);
    assert.ok(ok);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
