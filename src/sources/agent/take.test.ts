/**
 * A real snapshot of this host: a child process with a TCP listener, a connection to it and a bound UDP
 * socket must appear with the child's pid, comm, exe and argv, and the child's environment nowhere.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { parseCgroup } from './cgroup.js';
import { takeSnapshot } from './take.js';

const SECRET = `fm-secret-${process.pid}-${Date.now().toString(36)}`;

// Listens on TCP and UDP, connects to itself, then prints the ports and waits.
const CHILD = `
import net from 'node:net';
import dgram from 'node:dgram';
const srv = net.createServer(() => {}).listen(0, '127.0.0.1', () => {
  const port = srv.address().port;
  const c = net.connect(port, '127.0.0.1', () => {
    const u = dgram.createSocket('udp4');
    u.bind(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port, client: c.localPort, udp: u.address().port }) + '\\n'));
  });
});
setInterval(() => {}, 1000);
`;

describe('takeSnapshot on this host', () => {
  let dir: string;
  let script: string;
  let child: ChildProcess;
  let ports: { port: number; client: number; udp: number };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fm-agent-take-'));
    script = join(dir, 'child.mjs');
    writeFileSync(script, CHILD);
    child = spawn(process.execPath, [script, 'marker-arg'], { env: { ...process.env, FM_AGENT_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'inherit'] });
    ports = await new Promise((resolve, reject) => {
      child.stdout?.once('data', (d: Buffer) => resolve(JSON.parse(d.toString())));
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
  });

  after(() => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the listener, both ends of the connection and the UDP socket with the child as their process', () => {
    const { snapshot } = takeSnapshot({ intervalS: 60 });
    const pid = child.pid;
    const mine = snapshot.sockets.filter((s) => s.pid === pid);
    const find = (f: (s: (typeof mine)[number]) => boolean) => mine.filter(f);
    assert.deepEqual(find((s) => s.state === 'listen' && s.proto === 'tcp'), [
      { proto: 'tcp', state: 'listen', local_addr: '127.0.0.1', local_port: ports.port, remote_addr: null, remote_port: null, pid },
    ]);
    assert.deepEqual(find((s) => s.proto === 'udp'), [
      { proto: 'udp', state: 'listen', local_addr: '127.0.0.1', local_port: ports.udp, remote_addr: null, remote_port: null, pid },
    ]);
    const est = find((s) => s.state === 'established').sort((a, b) => a.local_port - b.local_port);
    const sides = [
      { proto: 'tcp', state: 'established', local_addr: '127.0.0.1', local_port: ports.client, remote_addr: '127.0.0.1', remote_port: ports.port, pid },
      { proto: 'tcp', state: 'established', local_addr: '127.0.0.1', local_port: ports.port, remote_addr: '127.0.0.1', remote_port: ports.client, pid },
    ].sort((a, b) => a.local_port - b.local_port);
    assert.deepEqual(est, sides);

    const proc = snapshot.processes.filter((p) => p.pid === pid);
    const exe = realpathSync(process.execPath);
    const me = userInfo();
    assert.deepEqual(proc, [
      {
        pid,
        comm: basename(exe).slice(0, 15),
        exe,
        cmdline: `${process.execPath} ${script} marker-arg`,
        user: me.username,
        uid: me.uid,
        ...parseCgroup(readFileSync(`/proc/${pid}/cgroup`, 'utf8')),
      },
    ]);
    // Each process once, and every socket's pid among them.
    const pids = snapshot.processes.map((p) => p.pid);
    assert.equal(new Set(pids).size, pids.length);
    for (const s of snapshot.sockets) if (s.pid !== null) assert.ok(pids.includes(s.pid), `pid ${s.pid} listed`);
  });

  it('never carries the environment', () => {
    const { snapshot } = takeSnapshot({ intervalS: 60 });
    assert.ok(snapshot.processes.some((p) => p.pid === child.pid));
    assert.ok(!JSON.stringify(snapshot).includes(SECRET));
  });

  it('lists the host\'s addresses, loopback included', () => {
    const { snapshot } = takeSnapshot({ intervalS: 30 });
    assert.ok(snapshot.addresses.includes('127.0.0.1'));
    assert.equal(snapshot.interval_s, 30);
    assert.ok(snapshot.host.length > 0);
  });
});
