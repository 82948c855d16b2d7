/**
 * A real exporter: pmacct's pmacctd reads a generated capture and exports every packet as sFlow v5
 * (sfprobe plugin, sampling 1/1) to a UDP socket; the decoder's flows per (source, destination,
 * protocol) equal tshark's reading of the same capture, and the sequence shows no loss.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthBook, type ExportedFlow } from '../../model.js';
import { createSflowDecoder } from './index.js';
import { writeLabCapture } from '../../../gen/lab.js';
import { TSHARK, tsharkConversations } from '../../../testing/tshark.js';
import { missingTool, requireTool } from '../../../testing/tools.js';

const skip = missingTool('pmacctd', 'tshark');

let dir = '';
let capture = '';

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'flowmap-sfprobe-'));
  const lab = join(dir, 'lab.pcap');
  writeLabCapture(lab, { packets: 10_000, seed: 5, durationSec: 1 });
  // Like softflowd, pmacctd does not open 802.1ad (QinQ) frames.
  capture = join(dir, 'no-qinq.pcap');
  execFileSync(TSHARK, ['-r', lab, '-Y', '!ieee8021ad', '-w', capture], { stdio: 'ignore' });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function byHosts(flows: Iterable<{ key: string; bytes: number; packets: number }>): Map<string, string> {
  const m = new Map<string, { bytes: number; packets: number }>();
  for (const f of flows) {
    const r = m.get(f.key) ?? { bytes: 0, packets: 0 };
    r.bytes += f.bytes;
    r.packets += f.packets;
    m.set(f.key, r);
  }
  return new Map([...m].sort().map(([k, v]) => [k, `${v.packets} packets ${v.bytes} bytes`]));
}

test('pmacctd sfprobe: every sampled packet decodes; per host pair and protocol, packets and IP bytes equal tshark', { skip }, async () => {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  sock.setRecvBufferSize(4 << 20);
  const book = new HealthBook();
  const dec = createSflowDecoder(book);
  const flows: ExportedFlow[] = [];
  sock.on('message', (msg, rinfo) => dec.decode(msg, rinfo.address, Date.now(), (f) => flows.push(f)));
  const conf = join(dir, 'pmacctd.conf');
  writeFileSync(conf, [
    'daemonize: false', `pcap_savefile: ${capture}`, 'plugins: sfprobe', `sfprobe_receiver: 127.0.0.1:${sock.address().port}`,
    'sfprobe_agentip: 192.0.2.77', 'sampling_rate: 1',
    // Large enough buffers between pmacctd's core and the plugin that it drops no packet.
    'plugin_pipe_size: 67108864', 'plugin_buffer_size: 65536', '',
  ].join('\n'));
  const child = spawn(requireTool('pmacctd'), ['-f', conf], { stdio: 'ignore' });
  // It sleeps 2 s, reads the file at once and exits (or, now and then, lingers).
  await Promise.race([new Promise((resolve) => child.on('exit', resolve)), sleep(8_000)]);
  child.kill('SIGKILL');
  await sleep(300);
  sock.close();

  const h = book.all();
  assert.equal(h.length, 1);
  assert.deepEqual([h[0].exporter, h[0].protocol, h[0].errors, h[0].sequenceGaps, h[0].samplingRate], ['192.0.2.77', 'sflow', 0, 0, 1]);
  assert.equal(h[0].records, flows.length);
  // pmacctd exits at the end of the file without sending the samples of its last, unfilled
  // datagram: compare with the capture's first packets, as many as were sampled.
  const ipFrames = execFileSync(TSHARK, ['-r', capture, '-Y', 'ip or ipv6', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
  const unsent = ipFrames.length - flows.length;
  assert.ok(unsent >= 0 && unsent < 10, `${unsent} packets not sampled`);
  const sent = join(dir, 'sent.pcap');
  execFileSync(TSHARK, ['-r', capture, '-Y', `frame.number <= ${ipFrames[flows.length - 1]}`, '-w', sent], { stdio: 'ignore' });
  const want: { key: string; bytes: number; packets: number }[] = [];
  for (const [key, t] of tsharkConversations(sent)) {
    const [proto, , a, b] = key.split('|');
    const ha = a.slice(0, a.lastIndexOf('#'));
    const hb = b.slice(0, b.lastIndexOf('#'));
    if (t.pktsAB > 0) want.push({ key: `${ha}|${hb}|${proto}`, bytes: t.bytesAB, packets: t.pktsAB });
    if (t.pktsBA > 0) want.push({ key: `${hb}|${ha}|${proto}`, bytes: t.bytesBA, packets: t.pktsBA });
  }
  assert.deepEqual(byHosts(flows.map((f) => ({ key: `${f.src}|${f.dst}|${f.proto}`, bytes: f.bytes, packets: f.packets }))), byHosts(want));
});
