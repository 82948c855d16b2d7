/**
 * `connections` counts conversations where they begin, not distinct client ports: on a capture that
 * reuses client ports (src/testing/reuse-capture.ts) it equals tshark's count of SYNs, and a
 * mid-stream conversation whose first sender changes after each idle gap stays one edge, one connection.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../testing/cli.js';
import { REUSE, writeReuseCapture } from '../testing/reuse-capture.js';
import { TSHARK } from '../testing/tshark.js';
import { missingTool } from '../testing/tools.js';

interface EdgeRow {
  client: string;
  server: string;
  port: number;
  connections: number;
}

let dir = '';
let capture = '';
let edges: EdgeRow[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowmap-reuse-'));
  capture = join(dir, 'reuse.pcap');
  writeReuseCapture(capture);
  const db = join(dir, 'reuse.duckdb');
  const r = runCli(['ingest', capture, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  edges = JSON.parse(runCli(['top', '--by', 'edges', '--json', '--db', db]).stdout) as EdgeRow[];
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('connections on an edge whose client ports are reused equal tshark\'s count of SYNs', { skip: missingTool('tshark') }, () => {
  const filter = `tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip.dst == ${REUSE.server} && tcp.dstport == ${REUSE.port}`;
  const syns = execFileSync(TSHARK, ['-r', capture, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).trim().split('\n').length;
  assert.equal(syns, REUSE.handshakes);
  const edge = edges.find((e) => e.client === REUSE.client && e.server === REUSE.server && e.port === REUSE.port);
  assert.ok(edge, JSON.stringify(edges));
  assert.equal(edge.connections, syns, `distinct client ports would say ${REUSE.distinctPorts}`);
});

test('a mid-stream conversation with a different first sender after each idle gap: one edge, one connection', () => {
  const mid = edges.filter((e) => [e.client, e.server].sort().join() === [REUSE.midA, REUSE.midB].join());
  assert.equal(mid.length, 1, JSON.stringify(mid));
  assert.equal(mid[0].connections, 1);
});
