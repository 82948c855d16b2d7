/**
 * `flowmap export` end to end: a generated lab capture ingested into DuckDB, a config file with names
 * and groups, every format written, totals equal to `flowmap top`, usage errors, and `--resolve`
 * against a real (local, UDP) DNS server with its answers cached in the store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLabCapture } from '../gen/lab.js';
import type { DepGraph } from '../graph/model.js';
import { FORMATS } from '../export/formats.js';
import { runCli } from '../testing/cli.js';
import { spawn } from 'node:child_process';
import { CLI } from '../testing/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmap-export-'));
const db = join(dir, 'lab.duckdb');
const cfg = join(dir, 'flowmap.yaml');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('ingest a lab capture once', () => {
  writeLabCapture(join(dir, 'lab.pcap'), { packets: 20_000, snaplen: 128 });
  const r = runCli(['--db', db, 'ingest', join(dir, 'lab.pcap')]);
  assert.equal(r.code, 0, r.stderr);
  writeFileSync(cfg, [
    'names:',
    '  192.168.1.10: esxi01',
    '  192.168.1.60: "nas <main> =1+1"',
    'groups:',
    '  - name: vSphere',
    '    subnets: [192.168.1.10/31, 192.168.1.20]',
    '  - name: Storage',
    '    names: ["nas*"]',
    '  - name: Monitoring',
    '    serves: [9090/tcp]',
    '',
  ].join('\n'));
});

const json = (args: string[]): DepGraph => {
  const r = runCli(['--db', db, '--config', cfg, 'export', '-f', 'json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as DepGraph;
};

test('the graph holds exactly what `top --by edges` says, with config names and groups', () => {
  const filter = ['--subnet', '192.168.1.0/24', '--exclude', '192.168.1.151'];
  const g = json([...filter, '--top', '0']);
  const top = runCli(['--db', db, 'top', '--by', 'edges', '--json', '--limit', '100000', ...filter]);
  const rows = JSON.parse(top.stdout) as Array<{ bytes: number; connections: number }>;
  assert.equal(g.edges.length, rows.length);
  assert.equal(g.edges.reduce((s, e) => s + e.bytes, 0), rows.reduce((s, e) => s + e.bytes, 0));
  assert.equal(g.edges.reduce((s, e) => s + e.connections, 0), rows.reduce((s, e) => s + e.connections, 0));
  const esxi = g.nodes.find((n) => n.key === '192.168.1.10');
  assert.equal(esxi?.label, 'esxi01');
  assert.equal(esxi?.nameSource, 'config');
  const names = new Map(g.groups.map((x) => [x.name, x]));
  assert.ok(names.get('vSphere')?.members.includes(esxi.id));
  assert.ok(names.get('Storage')?.members.some((id) => g.nodes.find((n) => n.id === id)?.label === 'nas <main> =1+1'));
  assert.ok(names.get('Monitoring')?.members.some((id) => g.nodes.find((n) => n.id === id)?.key === '192.168.1.40'));

  const top5 = json([...filter, '--top', '5', '--other', 'drop']);
  assert.equal(top5.edges.length, 5);
  assert.deepEqual(top5.edges.map((e) => e.bytes), g.edges.slice(0, 5).map((e) => e.bytes));
  const grouped = json([...filter, '--top', '0', '--group-by', 'group']);
  assert.ok(grouped.nodes.some((n) => n.kind === 'group' && n.key === 'vSphere'));
  assert.equal(grouped.edges.reduce((s, e) => s + e.bytes, 0), rows.reduce((s, e) => s + e.bytes, 0), 'grouping keeps every byte');
  const subnets = json(['--top', '0', '--group-by', 'subnet/16']);
  assert.ok(subnets.nodes.some((n) => n.key === '192.168.0.0/16'));
});

test('every format is written with -o', () => {
  for (const f of FORMATS) {
    const out = join(dir, `map.${f}`);
    const r = runCli(['--db', db, '--config', cfg, 'export', '-f', f, '-o', out, '--top', '25']);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^flowmap: ${f}: \\d+ nodes, \\d+ dependencies`));
    assert.ok(statSync(out).size > 200, f);
  }
  assert.equal(readFileSync(join(dir, 'map.lucid')).subarray(0, 2).toString('latin1'), 'PK');
});

test('big maps: cheaper layout settings, said on stderr; small maps: none', { timeout: 120_000 }, () => {
  // The demo's store holds more dependencies than the lab above (over 150 with --top 0).
  const demoDir = join(dir, 'demo');
  mkdirSync(demoDir);
  assert.equal(runCli(['demo', '--no-serve'], { cwd: demoDir }).code, 0);
  const seen: number[] = [];
  for (const top of ['0', '20']) {
    const r = runCli(['--db', join(demoDir, 'flowmap-demo.duckdb'), 'export', '-f', 'svg', '-o', join(dir, `all-${top}.svg`), '--top', top]);
    assert.equal(r.code, 0, r.stderr);
    const edges = Number(/svg: \d+ nodes, (\d+) dependencies/.exec(r.stderr)?.[1]);
    seen.push(edges);
    const said = /dependencies \(over 150\): cheaper "fast(est)?" layout settings/.test(r.stderr);
    assert.equal(said, edges > 150, `${edges} dependencies: ${r.stderr}`);
  }
  assert.ok(seen[0] > 150 && seen[1] <= 150, `both cases covered: ${seen.join(', ')}`);
});

test('usage errors exit 2 with one clear line', () => {
  const cases: Array<[string[], RegExp]> = [
    [['-f', 'visio'], /Allowed choices are/],
    [['-f', 'json', '--group-by', 'rack'], /--group-by: "rack"/],
    [['-f', 'json', '--limit', '5'], /use --top N/],
    [['-f', 'json', '--top', 'many'], /--top: "many"/],
    [['-f', 'json', '--dns-server', '127.0.0.1'], /add --resolve/],
    [['-f', 'json', '--subnet', '10.0.0.0/99'], /prefix length/],
  ];
  for (const [args, msg] of cases) {
    const r = runCli(['--db', db, 'export', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
  }
});

/** A PTR-only DNS server on 127.0.0.1: answers from `zone`, stays silent for `silent`. */
async function dnsServer(zone: Record<string, string>, silent: string[]): Promise<{ port: number; asked: string[]; close: () => void }> {
  const sock = createSocket('udp4');
  const asked: string[] = [];
  sock.on('message', (q, peer) => {
    const labels: string[] = [];
    let p = 12;
    while (q[p] !== 0) {
      labels.push(q.toString('latin1', p + 1, p + 1 + q[p]));
      p += 1 + q[p];
    }
    const qEnd = p + 5;
    const addr = labels.slice(0, 4).reverse().join('.');
    asked.push(addr);
    if (silent.includes(addr)) return;
    const name = zone[addr];
    const head = Buffer.from(q.subarray(0, qEnd));
    head.writeUInt16BE(name ? 0x8180 : 0x8183, 2);
    head.writeUInt16BE(name ? 1 : 0, 6);
    head.writeUInt16BE(0, 8);
    head.writeUInt16BE(0, 10);
    if (!name) return void sock.send(head, peer.port, peer.address);
    const rdata = Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(12, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(rdata.length, 10);
    sock.send(Buffer.concat([head, rr, rdata]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return { port: sock.address().port, asked, close: () => sock.close() };
}

/** runCli is synchronous: the DNS server in this process must keep answering, so spawn instead. */
function runAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FLOWMAP_DB: '', FLOWMAP_CONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('--resolve: PTR names for drawn unnamed hosts only, a silent server times out, answers are cached', { timeout: 60_000 }, async () => {
  const dns = await dnsServer({ '192.168.1.20': 'vcenter.lab.example', '192.168.1.30': 'backup.<lab>.example', '192.168.1.10': 'never-asked.example' }, ['192.168.1.50']);
  try {
    const args = ['--db', db, '--config', cfg, 'export', '-f', 'json', '--subnet', '192.168.1.0/24', '--top', '8', '--other', 'drop', '--resolve', '--dns-server', `127.0.0.1:${dns.port}`];
    const t0 = Date.now();
    const first = await runAsync(args);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(Date.now() - t0 < 20_000, 'a silent server costs one timeout, not a hang');
    const g = JSON.parse(first.stdout) as DepGraph;
    const drawn = new Set(g.nodes.map((n) => n.key));
    assert.ok(!dns.asked.includes('192.168.1.10'), 'a host named in the config is not looked up');
    for (const a of dns.asked) assert.ok(drawn.has(a), `only drawn hosts are looked up (${a})`);
    const byKey = new Map(g.nodes.map((n) => [n.key, n]));
    assert.ok(drawn.has('192.168.1.20') && drawn.has('192.168.1.30') && drawn.has('192.168.1.50'), [...drawn].join(' '));
    assert.deepEqual([byKey.get('192.168.1.20')?.label, byKey.get('192.168.1.20')?.nameSource], ['vcenter.lab.example', 'reverse']);
    assert.equal(byKey.get('192.168.1.30')?.label, 'backup.<lab>.example');
    assert.equal(byKey.get('192.168.1.50')?.label, '192.168.1.50');
    assert.ok(dns.asked.length > 0);

    const before = dns.asked.length;
    const second = await runAsync(args);
    assert.equal(second.code, 0, second.stderr);
    const again = dns.asked.slice(before);
    for (const a of ['192.168.1.20', '192.168.1.30']) assert.ok(!again.includes(a), `${a} comes from the cache`);
    assert.deepEqual(JSON.parse(second.stdout), g);
  } finally {
    dns.close();
  }
});
