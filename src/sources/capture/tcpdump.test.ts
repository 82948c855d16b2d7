/** startTcpdump: argv, and the one-line errors people see when tcpdump cannot capture. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startTcpdump, tcpdumpArgs, tcpdumpErrorLine, TcpdumpError, TCPDUMP_NOT_FOUND, type LiveCapture } from './tcpdump.js';

const hasTcpdump = spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
const isRoot = process.getuid?.() === 0;

/** Drain the stream; returns the bytes or the error it ended with. */
async function drain(cap: LiveCapture): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  try {
    for await (const c of cap.chunks) bytes += c.length;
    return { bytes };
  } catch (error) {
    return { bytes, error };
  }
}

describe('tcpdump argv', () => {
  it('passes the filter as argv after --, never through a shell', () => {
    assert.deepEqual(tcpdumpArgs({ iface: 'eth0', snaplen: 96, bpf: 'not port 22 and host 10.0.0.1' }), [
      '-w', '-', '-U', '-n', '-i', 'eth0', '--immediate-mode', '-s', '96', '--', 'not port 22 and host 10.0.0.1',
    ]);
    assert.deepEqual(tcpdumpArgs({ iface: 'any', bpf: ['tcp', 'or', 'udp'], immediate: false, promiscuous: false }), ['-w', '-', '-U', '-n', '-i', 'any', '-p', '--', 'tcp', 'or', 'udp']);
    assert.deepEqual(tcpdumpArgs({ iface: 'lo', bpf: '  ' }), ['-w', '-', '-U', '-n', '-i', 'lo', '--immediate-mode']);
  });

  it('picks the one useful stderr line', () => {
    const perm = "tcpdump: eth0: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n";
    assert.equal(tcpdumpErrorLine(perm, 1), "tcpdump: eth0: You don't have permission to perform this capture on that device");
    assert.equal(tcpdumpErrorLine('exec of "tcpdump" failed: No such file or directory\n', 1), TCPDUMP_NOT_FOUND);
    assert.equal(tcpdumpErrorLine('tcpdump: listening on lo, link-type EN10MB\n', 2), 'tcpdump exited with code 2');
  });
});

describe('tcpdump failures', () => {
  it('tcpdump missing: one clear line', async () => {
    const cap = startTcpdump({ iface: 'lo', tcpdumpPath: '/nonexistent/tcpdump' });
    const r = await drain(cap);
    assert.ok(r.error instanceof TcpdumpError);
    assert.equal(r.error.message, TCPDUMP_NOT_FOUND);
    const done = await cap.done;
    assert.equal(done.error?.message, TCPDUMP_NOT_FOUND);
    assert.equal(await cap.ready, false);
  });

  it('no such interface: tcpdump\'s own line and exit code', { skip: hasTcpdump ? false : 'tcpdump not installed' }, async () => {
    const cap = startTcpdump({ iface: 'fmnosuch0' });
    const r = await drain(cap);
    assert.ok(r.error instanceof TcpdumpError);
    // As root: "No such device exists"; otherwise a permission message. Either way one tcpdump line.
    assert.match(r.error.message, /^tcpdump: fmnosuch0: /);
    assert.doesNotMatch(r.error.message, /\n/);
    assert.equal(r.error.exitCode, 1);
    assert.equal(r.bytes, 0);
  });

  it('bad filter', { skip: hasTcpdump && isRoot ? false : 'needs tcpdump and root' }, async () => {
    const cap = startTcpdump({ iface: 'lo', bpf: 'tcp port' });
    const r = await drain(cap);
    assert.ok(r.error instanceof TcpdumpError);
    assert.match(r.error.message, /can't parse filter expression/);
  });

  it('stop(): SIGTERM, rest of the output read, exit 0, counters parsed', { skip: hasTcpdump && isRoot ? false : 'needs tcpdump and root' }, async () => {
    const cap = startTcpdump({ iface: 'lo', snaplen: 128 });
    assert.equal(await cap.ready, true);
    const bytes = drain(cap);
    cap.stop();
    cap.stop(); // idempotent
    const r = await bytes;
    assert.equal(r.error, undefined);
    assert.ok(r.bytes >= 24, 'at least the pcap file header');
    const done = await cap.done;
    assert.equal(done.code, 0);
    assert.equal(done.stopped, true);
    assert.equal(typeof done.captured, 'number');
    assert.equal(cap.stopped, true);
  });
});
