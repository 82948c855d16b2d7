import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../testing/cli.js';

test('demo (the README main command): capture, store and the seed question, twice without doubling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-demo-'));
  try {
    const first = runCli(['demo', '--packets', '20000'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(existsSync(join(dir, 'flowmap-demo.pcap')) && existsSync(join(dir, 'flowmap-demo.duckdb')));
    assert.match(first.stdout, /Top dependencies inside 192\.168\.1\.0\/24, excluding 192\.168\.1\.151/);
    assert.match(first.stdout, /^client +server +port +proto +service +bytes_c2s/m);
    const edges = (out: string) => out.split('\n').filter((l) => /^192\.168\.1\.\d+ +192\.168\.1\.\d+ +\d+ +(tcp|udp|icmp)/.test(l));
    assert.ok(edges(first.stdout).length >= 5, first.stdout);
    assert.ok(!edges(first.stdout).some((l) => /192\.168\.1\.151 /.test(l)), 'the excluded host is not in the answer');
    const second = runCli(['demo', '--packets', '20000'], { cwd: dir });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(edges(second.stdout), edges(first.stdout), 'a second run starts from a fresh store');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
