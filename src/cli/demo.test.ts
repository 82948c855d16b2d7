import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../testing/cli.js';
import { fetchRaw, getJson, startServing } from '../testing/server.js';
import type { GraphResponse, MetaResponse } from '../api/types.js';

test('demo (the README main command): capture, store and the seed question, twice without doubling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-demo-'));
  try {
    const first = runCli(['demo', '--packets', '20000', '--no-serve'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(existsSync(join(dir, 'flowmap-demo.pcap')) && existsSync(join(dir, 'flowmap-demo.duckdb')));
    assert.match(first.stdout, /Top dependencies inside 192\.168\.1\.0\/24, excluding 192\.168\.1\.151/);
    assert.match(first.stdout, /^client +server +port +proto +service +bytes_c2s/m);
    const edges = (out: string) => out.split('\n').filter((l) => /^192\.168\.1\.\d+ +192\.168\.1\.\d+ +\d+ +(tcp|udp|icmp)/.test(l));
    assert.ok(edges(first.stdout).length >= 5, first.stdout);
    assert.ok(!edges(first.stdout).some((l) => /192\.168\.1\.151 /.test(l)), 'the excluded host is not in the answer');
    // It ends pointing at plan and report on the same store; the commands it prints run.
    for (const what of ['Plan a migration of the lab in waves', 'and write the report to send']) {
      const cmd = new RegExp(`^${what}: flowmap (.*)$`, 'm').exec(first.stdout)?.[1];
      assert.ok(cmd, what);
      const r = runCli(cmd.split(' '), { cwd: dir });
      assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
    }
    assert.ok(existsSync(join(dir, 'flowmap-report.html')));
    const second = runCli(['demo', '--packets', '20000', '--no-serve'], { cwd: dir });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(edges(second.stdout), edges(first.stdout), 'a second run starts from a fresh store');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('demo ends serving the map page of the lab store; SIGTERM stops it cleanly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-demo-serve-'));
  try {
    const demo = await startServing(['demo', '--packets', '20000', '--port', '0'], { cwd: dir, timeoutMs: 120_000 });
    try {
      const meta = await getJson<MetaResponse>(demo.url, 'api/v1/meta');
      assert.equal(meta.store.backend, 'duckdb');
      assert.ok(meta.stats.records > 100, JSON.stringify(meta.stats));
      const graph = await getJson<GraphResponse>(demo.url, 'api/v1/graph?subnet=192.168.1.0/24&exclude=192.168.1.151');
      assert.ok(graph.edges.length >= 5 && graph.nodes.some((n) => n.key === '192.168.1.10'));
      // The demo's config names the lab's hosts and groups them.
      const esxi = graph.nodes.find((n) => n.key === '192.168.1.10');
      assert.equal(esxi?.name, 'esxi01.lab.home');
      assert.equal(esxi?.nameSource, 'config');
      const apps = await getJson<GraphResponse>(demo.url, 'api/v1/graph?subnet=192.168.1.0/24&exclude=192.168.1.151&clusters=apps');
      const groupOf = (key: string): string | undefined => apps.groups.find((g) => g.id === apps.nodes.find((n) => n.key === key)?.group)?.name;
      assert.equal(groupOf('192.168.1.10'), 'vSphere');
      assert.equal(groupOf('192.168.1.60'), 'Storage');
      assert.equal(groupOf('192.168.1.80'), 'Shop app');
      const page = await fetchRaw(demo.url, '');
      assert.equal(page.status, 200);
      assert.match(page.text, /<script type="module"[^>]* src="\/assets\//);
    } finally {
      const { code, stderr } = await demo.stop();
      assert.equal(code, 0, stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
