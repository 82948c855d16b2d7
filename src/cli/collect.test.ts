/**
 * `flowmap collect` as users run it: real UDP on loopback, corpus datagrams (NetFlow v5, v9 template
 * then data), queries from other processes while it runs, SIGTERM stores everything. The stored
 * flows must equal what `ingest --exports` makes of the same datagrams (one code path).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../testing/cli.js';
import { sendDatagrams, startCollect, waitForDatagrams } from '../testing/collector.js';
import { corpusDir } from '../testing/corpus-dir.js';
import { readExportDatagrams } from '../testing/flowexport-datagrams.js';

const CORPUS = corpusDir('exporters');
const FILES = ['netflow-nfv5.pcap', 'netflow-template.pcap', 'netflow-data.pcap'].map((f) => join(CORPUS, f));
const noCorpus = existsSync(CORPUS) ? false : `no corpus at ${CORPUS}`;

describe('flowmap collect', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-collect-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores what it receives, answers queries meanwhile, and stores the rest on SIGTERM', { skip: noCorpus }, async () => {
    const db = join(dir, 'live.duckdb');
    const c = await startCollect(db);
    let stopped: Awaited<ReturnType<typeof c.stop>> | undefined;
    try {
    assert.ok(c.ports.netflow > 0 && c.ports.ipfix > 0 && c.ports.sflow > 0, JSON.stringify(c.ports));
    const datagrams = (await Promise.all(FILES.map(readExportDatagrams))).flat().map((d) => d.payload);
    assert.equal(datagrams.length, 3);
    // v5 on the NetFlow port, v9 on the IPFIX port: each listener takes every NetFlow version.
    await sendDatagrams(c.ports.netflow, datagrams.slice(0, 1));
    await sendDatagrams(c.ports.ipfix, datagrams.slice(1));
    // Exporter health reaches the store while collect runs, and another process can read it.
    let health: Array<{ exporter: string; protocol: string; datagrams: number; records: number }> = [];
    for (let i = 0; i < 100 && health.reduce((s, h) => s + h.datagrams, 0) < 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const r = runCli(['--db', db, 'exporters', '--json']);
      if (r.code === 0) health = JSON.parse(r.stdout) as typeof health;
    }
    assert.deepEqual(
      health.map((h) => [h.exporter, h.protocol, h.datagrams, h.records]),
      [['127.0.0.1', 'netflow-v5', 1, 29], ['127.0.0.1', 'netflow-v9', 2, 4]],
    );
    const during = runCli(['--db', db, 'top', '--by', 'flows', '--json', '--limit', '1000']);
    assert.equal(during.code, 0, during.stderr);
    stopped = await c.stop();
    } finally {
      stopped ??= await c.stop();
    }
    const { code, stdout, stderr } = stopped;
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout) as { datagrams: number; flows: number; stored: number; overflow: number; kernelDrops: number | null };
    assert.equal(summary.datagrams, 3);
    assert.equal(summary.flows, 33);
    assert.equal(summary.stored, 33, 'one-way halves are stored at stop, not lost');
    assert.equal(summary.overflow, 0);
    assert.equal(summary.kernelDrops, 0);

    const replay = join(dir, 'replay.duckdb');
    const r = runCli(['--db', replay, 'ingest', '--exports', ...FILES]);
    assert.equal(r.code, 0, r.stderr);
    const rows = (d: string) => {
      const out = runCli(['--db', d, 'top', '--by', 'flows', '--json', '--limit', '1000']);
      assert.equal(out.code, 0, out.stderr);
      return (JSON.parse(out.stdout) as Array<Record<string, unknown>>).map((x) => JSON.stringify(x)).sort();
    };
    const live = rows(db);
    assert.equal(live.length, 33);
    assert.deepEqual(live, rows(replay));
  });

  it('listens on IPv6 too; the exporter is the sender address', { skip: noCorpus }, async () => {
    const db = join(dir, 'v6.duckdb');
    const c = await startCollect(db, ['--listen', '::1', '--no-ipfix', '--no-sflow']);
    let stopped;
    try {
      const [v5] = (await readExportDatagrams(FILES[0])).map((d) => d.payload);
      await sendDatagrams(c.ports.netflow, [v5], 64, '::1');
      assert.equal(await waitForDatagrams(db, 1), 1);
    } finally {
      stopped = await c.stop();
    }
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal((JSON.parse(stopped.stdout) as { flows: number }).flows, 29);
    const health = JSON.parse(runCli(['--db', db, 'exporters', '--json']).stdout) as Array<{ exporter: string; records: number }>;
    assert.deepEqual(health.map((h) => [h.exporter, h.records]), [['::1', 29]]);
  });

  it('hostile datagrams on every port: counted per exporter, never a crash, good ones still stored', { skip: noCorpus }, async () => {
    const db = join(dir, 'hostile.duckdb');
    const c = await startCollect(db);
    let stopped;
    let sent: number;
    try {
      const good = (await Promise.all(FILES.map(readExportDatagrams))).flat().map((d) => d.payload);
      let seed = 12345;
      const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const junk: Buffer[] = [];
      for (let i = 0; i < 200; i++) {
        const base = good[i % good.length];
        const d = Buffer.from(base.subarray(0, Math.floor(rnd() * base.length)));
        for (let k = 0; k < 4 && d.length > 0; k++) d[Math.floor(rnd() * d.length)] = Math.floor(rnd() * 256);
        junk.push(d);
        junk.push(Buffer.from(Array.from({ length: Math.floor(rnd() * 1500) }, () => Math.floor(rnd() * 256))));
      }
      for (const port of [c.ports.netflow, c.ports.ipfix, c.ports.sflow]) await sendDatagrams(port, junk);
      await sendDatagrams(c.ports.netflow, good.slice(0, 1));
      sent = junk.length * 3 + 1;
      assert.ok((await waitForDatagrams(db, 1)) >= 1);
    } finally {
      stopped = await c.stop();
    }
    assert.equal(stopped.code, 0, stopped.stderr);
    const summary = JSON.parse(stopped.stdout) as { datagrams: number; stored: number; kernelDrops: number };
    assert.equal(summary.datagrams + summary.kernelDrops, sent);
    const health = JSON.parse(runCli(['--db', db, 'exporters', '--json']).stdout) as Array<{ protocol: string; errors: number; error_reasons: Record<string, number> }>;
    assert.ok(health.some((h) => h.protocol === 'sflow' && h.errors > 0), JSON.stringify(health));
    assert.ok(health.some((h) => h.protocol.startsWith('netflow') && h.errors > 0), JSON.stringify(health));
    const top = JSON.parse(runCli(['--db', db, 'top', '--by', 'flows', '--json', '--limit', '100000', '--host', '207.148.102.102']).stdout) as unknown[];
    assert.ok(top.length > 0, 'the good v5 datagram is stored');
  });

  it('bad usage exits 2 with a message', () => {
    const r = runCli(['collect', '--netflow', '70000']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--netflow: 70000 is not a port/);
    const l = runCli(['collect', '--listen', 'localhost']);
    assert.equal(l.code, 2);
    assert.match(l.stderr, /--listen: localhost is not an IPv4 or IPv6 address/);
    const same = runCli(['collect', '--netflow', '5000', '--ipfix', '5000']);
    assert.equal(same.code, 2);
  });
});
