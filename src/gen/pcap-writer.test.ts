/** The writer's headers, timestamps and truncation, read back by tshark (an independent reader). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureFileWriter, LINKTYPE, type CaptureWriterOptions } from './pcap-writer.js';
import { hasTshark } from '../testing/tshark.js';


/** A 200-byte raw IPv4/UDP frame (valid lengths, zero payload). */
function rawFrame(): Buffer {
  const b = Buffer.alloc(200);
  b[0] = 0x45;
  b.writeUInt16BE(200, 2);
  b[8] = 64;
  b[9] = 17;
  Buffer.from([10, 0, 0, 1, 10, 0, 0, 2]).copy(b, 12);
  b.writeUInt16BE(40000, 20);
  b.writeUInt16BE(53, 22);
  b.writeUInt16BE(180, 24);
  return b;
}

describe('CaptureWriter', { skip: hasTshark() ? false : 'tshark not installed' }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-writer-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, Omit<CaptureWriterOptions, 'interfaces'>][] = [
    ['pcap µs LE', { format: 'pcap', precision: 'us' }],
    ['pcap ns BE', { format: 'pcap', precision: 'ns', bigEndian: true }],
    ['pcapng µs BE', { format: 'pcapng', precision: 'us', bigEndian: true }],
    ['pcapng ns LE', { format: 'pcapng', precision: 'ns' }],
  ];
  for (const [i, [name, opts]] of cases.entries()) {
    it(`${name}: timestamps, lengths, snaplen truncation`, () => {
      const file = join(dir, `w${i}`);
      const w = new CaptureFileWriter(file, { ...opts, interfaces: [{ linkType: LINKTYPE.RAW, snaplen: 96 }], chunkSize: 64 });
      const f = rawFrame();
      w.packet(f, 0, f.length, f.length, 1768471200, 123456789);
      w.packet(f, 0, 60, 60, 4000000000, 999999999); // past 2038 (u32 seconds), 60 bytes: not truncated
      w.close();
      const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'udp.dstport'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const frac = (ns: string): string => (opts.precision === 'ns' ? ns : ns.slice(0, 6) + '000');
      assert.deepEqual(out.trim().split('\n'), [`1768471200.${frac('123456789')},200,96,53`, `4000000000.${frac('999999999')},60,60,53`]);
    });
  }

  it('pcapng: several interfaces with different link types', () => {
    const file = join(dir, 'multi.pcapng');
    const w = new CaptureFileWriter(file, { format: 'pcapng', interfaces: [{ linkType: LINKTYPE.ETHERNET }, { linkType: LINKTYPE.RAW, snaplen: 128 }] });
    const f = rawFrame();
    w.packet(f, 0, f.length, f.length, 1, 0, 1);
    w.close();
    const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.interface_id', '-e', 'frame.cap_len', '-e', 'ip.dst'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    assert.equal(out.trim(), '1,128,10.0.0.2');
  });

  it('refuses several link types in classic pcap', () => {
    assert.throws(() => new CaptureFileWriter(join(dir, 'x.pcap'), { format: 'pcap', interfaces: [{ linkType: 1 }, { linkType: 101 }] }), /pcapng/);
  });
});
