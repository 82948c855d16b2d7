// flowmap agent on a busy host: a network namespace with one listener process and one client process
// holding N TCP connections to it (2N established sockets + 1 listener), then
//   - in process: CPU time, wall time and memory of one snapshot (takeSnapshot), and of its parts;
//     the snapshot's size as JSON and gzipped; the server-side cost of validating it (parseSnapshot);
//   - the command: `flowmap agent --once --output FILE` as a process (wall, user+sys CPU, peak RSS),
//     next to the same command in an empty namespace (Node's start-up) and to `ss -tanp` and `lsof -i`.
//
//   npm run build && node bench/agent.mjs                 # 5,000 connections: 10,001 sockets
//   node bench/agent.mjs --connections 20000 --rounds 5
// Needs root (ip netns). Removes its namespaces on exit.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath, URL } from 'node:url';
import { fmt, have, printTable, sleep } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

if (process.argv[2] === '--probe') await probe(Number(arg('rounds', 5)));
else await main();

/** Runs inside the namespace: times takeSnapshot and its parts in this process. */
async function probe(rounds) {
  const dist = join(ROOT, 'dist/sources/agent');
  const { takeSnapshot } = await import(join(dist, 'take.js'));
  const { parseProcNet } = await import(join(dist, 'proc-net.js'));
  const { socketOwners } = await import(join(dist, 'inodes.js'));
  const { parseSnapshot } = await import(join(dist, 'snapshot.js'));
  const { readFileSync } = await import('node:fs');
  const cpu = (f) => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const v = f();
    const c = process.cpuUsage(c0);
    return { v, wallMs: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1000 };
  };
  const best = (f) => {
    let b;
    for (let i = 0; i < rounds; i++) {
      const r = cpu(f);
      if (!b || r.cpuMs < b.cpuMs) b = r;
    }
    return b;
  };
  const rssBefore = process.memoryUsage().rss;
  takeSnapshot({ intervalS: 60 }); // warm-up (JIT, file cache)
  const snap = best(() => takeSnapshot({ intervalS: 60 }));
  const texts = ['tcp', 'tcp6', 'udp', 'udp6'].map((f) => [f, readFileSync(`/proc/self/net/${f}`, 'utf8')]);
  const parse = best(() => texts.flatMap(([f, t]) => parseProcNet(t, f.startsWith('tcp') ? 'tcp' : 'udp').sockets));
  const read = best(() => ['tcp', 'tcp6', 'udp', 'udp6'].map((f) => readFileSync(`/proc/self/net/${f}`, 'utf8').length));
  const inodes = new Set(parse.v.map((s) => s.inode));
  const walk = best(() => socketOwners(inodes));
  const json = JSON.stringify(snap.v.snapshot);
  const validate = best(() => parseSnapshot(JSON.parse(json)));
  const out = {
    sockets: snap.v.snapshot.sockets.length,
    processes: snap.v.snapshot.processes.length,
    unowned: snap.v.unowned,
    snapshot: { wallMs: snap.wallMs, cpuMs: snap.cpuMs },
    readTables: { wallMs: read.wallMs, cpuMs: read.cpuMs, bytes: texts.reduce((n, [, t]) => n + t.length, 0) },
    parseTables: { wallMs: parse.wallMs, cpuMs: parse.cpuMs },
    inodeWalk: { wallMs: walk.wallMs, cpuMs: walk.cpuMs },
    serverValidate: { wallMs: validate.wallMs, cpuMs: validate.cpuMs, ok: validate.v.ok },
    jsonBytes: Buffer.byteLength(json),
    gzipBytes: gzipSync(json).length,
    rssGrowthMiB: (process.memoryUsage().rss - rssBefore) / 1048576,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(out));
}

function ip(...args) {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** /usr/bin/time -f: wall s, user s, sys s, max RSS KiB of a command (best of `reps` by CPU). */
function timed(cmd, reps) {
  let best;
  for (let i = 0; i < reps; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...cmd], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr}`);
    const [e, u, s, m] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    const v = { wallMs: e * 1000, cpuMs: (u + s) * 1000, maxRssMiB: m / 1024, lines: r.stdout.split('\n').length - 1 };
    if (!best || v.cpuMs < best.cpuMs) best = v;
  }
  return best;
}

async function main() {
  if (process.getuid() !== 0) throw new Error('needs root (ip netns)');
  const n = Number(arg('connections', 5000));
  const rounds = Number(arg('rounds', 5));
  const tag = process.pid % 100000;
  const NS = `fmbench${tag}`;
  const EMPTY = `fmbempty${tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'fm-bench-agent-'));
  const children = [];
  try {
    for (const ns of [NS, EMPTY]) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    writeFileSync(join(dir, 'server.mjs'), `import net from 'node:net';
const held = []; const srv = net.createServer((s) => held.push(s)).listen(9000, '127.0.0.1', () => process.stdout.write('listening\\n'));
setInterval(() => process.stdout.write(held.length + '\\n'), 200);`);
    writeFileSync(join(dir, 'client.mjs'), `import net from 'node:net';
const n = Number(process.argv[2]); let up = 0; const held = [];
function more() { for (let k = 0; k < 200 && held.length < n; k++) { const c = net.connect(9000, '127.0.0.1', () => { if (++up === n) process.stdout.write('connected\\n'); else if (up % 200 === 0) more(); }); held.push(c); } }
more(); setInterval(() => {}, 1000);`);
    const nofile = String(2 * n + 1000);
    const start = (script, ...a) => {
      const c = spawn('ip', ['netns', 'exec', NS, 'prlimit', `--nofile=${nofile}:${nofile}`, process.execPath, join(dir, script), ...a], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(c);
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      return { c, until: async (f) => { while (!f(out)) { if (c.exitCode !== null) throw new Error(`${script} exited`); await sleep(50); } } };
    };
    const server = start('server.mjs');
    await server.until((o) => o.includes('listening'));
    const client = start('client.mjs', String(n));
    await client.until((o) => o.includes('connected'));
    await server.until((o) => o.trim().split('\n').map(Number).includes(n));
    process.stderr.write(`bench agent: ${n} connections up in namespace ${NS}\n`);

    const p = spawnSync('ip', ['netns', 'exec', NS, process.execPath, fileURLToPath(import.meta.url), '--probe', '--rounds', String(rounds)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (p.status !== 0) throw new Error(`probe: ${p.stderr}`);
    const r = JSON.parse(p.stdout);
    const out = join(dir, 'snap.jsonl');
    const cmd = timed(['ip', 'netns', 'exec', NS, process.execPath, CLI, 'agent', '--once', '--output', out], 3);
    const idle = timed(['ip', 'netns', 'exec', EMPTY, process.execPath, CLI, 'agent', '--once', '--output', join(dir, 'idle.jsonl')], 3);
    const ss = timed(['ip', 'netns', 'exec', NS, 'ss', '-tanp'], 3);
    const lsof = have('lsof') ? timed(['ip', 'netns', 'exec', NS, 'lsof', '-n', '-P', '-i'], 1) : null;

    const ms = (v) => v.toFixed(1);
    console.log(`\nflowmap agent, ${fmt(r.sockets)} sockets (${fmt(n)} connections both ends + listener), ${r.processes} processes, ${r.unowned} without a process; best of ${rounds}`);
    printTable([
      ['in process', 'wall ms', 'CPU ms'],
      ['one snapshot (takeSnapshot, validated)', ms(r.snapshot.wallMs), ms(r.snapshot.cpuMs)],
      [`  read /proc/self/net/* (${fmt(r.readTables.bytes / 1024)} KiB)`, ms(r.readTables.wallMs), ms(r.readTables.cpuMs)],
      ['  parse the tables', ms(r.parseTables.wallMs), ms(r.parseTables.cpuMs)],
      ['  inode → pid (/proc/PID/fd walk)', ms(r.inodeWalk.wallMs), ms(r.inodeWalk.cpuMs)],
      ['server side: JSON.parse + parseSnapshot', ms(r.serverValidate.wallMs), ms(r.serverValidate.cpuMs)],
    ]);
    console.log(`snapshot on the wire: ${fmt(r.jsonBytes)} bytes JSON (${fmt(r.jsonBytes / r.sockets)} per socket), ${fmt(r.gzipBytes)} gzipped (${(r.jsonBytes / r.gzipBytes).toFixed(1)}x)`);
    console.log(`memory: peak RSS ${r.maxRssMiB.toFixed(0)} MiB in the probe (RSS grew ${r.rssGrowthMiB.toFixed(0)} MiB over ${rounds + 1} snapshots)\n`);
    printTable([
      ['command (best of 3 by CPU)', 'wall ms', 'CPU ms', 'peak RSS MiB'],
      ['flowmap agent --once --output FILE', ms(cmd.wallMs), ms(cmd.cpuMs), cmd.maxRssMiB.toFixed(0)],
      ['  the same in an empty namespace', ms(idle.wallMs), ms(idle.cpuMs), idle.maxRssMiB.toFixed(0)],
      [`ss -tanp (${fmt(ss.lines)} lines)`, ms(ss.wallMs), ms(ss.cpuMs), ss.maxRssMiB.toFixed(0)],
      ...(lsof ? [[`lsof -n -P -i (${fmt(lsof.lines)} lines)`, ms(lsof.wallMs), ms(lsof.cpuMs), lsof.maxRssMiB.toFixed(0)]] : []),
    ]);
  } finally {
    for (const c of children) c.kill();
    for (const ns of [NS, EMPTY]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}
