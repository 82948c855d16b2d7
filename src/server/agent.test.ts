/**
 * POST /api/v1/agent over real HTTP: only with the token (a server without one refuses agents), JSON
 * only, bounded, validated; what it stores shows in top, the host detail, the graph and processes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentResponse, DepGraph, HostDetail, TopEdgesResponse, TopProcessesResponse } from '../api/types.js';
import { conn, listen, proc, snapshot } from '../testing/agent-snapshots.js';
import { LAB_START, getJson, ingestLab, startTestServer, type TestServer } from '../testing/server.js';
import { AGENT_BODY_LIMIT } from './routes/agent.js';
import { gzipSync } from 'node:zlib';

const TOKEN = 'agent-test-token-1234';
const HOSTILE = '<img src=x onerror=alert(1)>';
const dir = mkdtempSync(join(tmpdir(), 'flowmap-agent-api-'));
const db = join(dir, 'lab.duckdb');

function post(base: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>): Promise<Response> {
  return fetch(new URL('/api/v1/agent', base), { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

describe('POST /api/v1/agent', () => {
  let srv: TestServer;
  let open: TestServer;
  let server: string;
  let port: number;
  let client: string;
  before(async () => {
    ingestLab(dir, db);
    srv = await startTestServer(db, { token: TOKEN, writable: true });
    // The lab's heaviest TCP edge: its server gets an agent, and so does its client.
    const top = await getJson<TopEdgesResponse>(srv.url, '/api/v1/top/edges?proto=tcp&limit=1', { authorization: `Bearer ${TOKEN}` });
    ({ server, port, client } = top.rows[0]);
  });
  after(async () => {
    await srv?.stop();
    await open?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = { authorization: `Bearer ${TOKEN}` };

  test('refused without the token, with a wrong one, and by a server that has none', async () => {
    const body = JSON.stringify(snapshot('h', LAB_START, ['10.0.0.1'], [], []));
    assert.equal((await post(srv.url, body, {})).status, 401);
    assert.equal((await post(srv.url, body, { authorization: 'Bearer wrong-token-123456' })).status, 401);
    open = await startTestServer(db);
    const r = await post(open.url, body, {});
    assert.equal(r.status, 401);
    assert.match(((await r.json()) as { error: string }).error, /start flowmap serve with --token/);
  });

  test('JSON only, bounded, every field validated', async () => {
    assert.equal((await post(srv.url, '{}', { ...auth, 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post(srv.url, 'not json', auth)).status, 400);
    const bad = await post(srv.url, JSON.stringify({ ...snapshot('h', LAB_START, ['10.0.0.1'], [], []), addresses: ['10.0.0.999'] }), auth);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /^invalid snapshot: addresses\.0: not an IPv4 or IPv6 address/);
    const long = await post(srv.url, JSON.stringify(snapshot('h', LAB_START, [], [], [proc(1, 'x'.repeat(64))])).replace('x'.repeat(64), 'x'.repeat(1000)), auth);
    assert.equal(long.status, 400, 'an over-long process name is refused, not stored');
    const huge = await post(srv.url, ' '.repeat(AGENT_BODY_LIMIT + 1), auth);
    assert.equal(huge.status, 413);
  });

  test('gzip as the agent sends it; a gzip bomb, broken gzip and other encodings are refused', async () => {
    const gz = { ...auth, 'content-encoding': 'gzip' };
    const ok = await post(srv.url, gzipSync(JSON.stringify(snapshot('gz-host', LAB_START, ['10.9.9.9'], [listen('0.0.0.0', 7777, 5)], [proc(5, 'gzd')], 600))), gz);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(((await ok.json()) as AgentResponse).host, 'gz-host');
    // 33 MiB of spaces pack into about 33 KB: under the body limit, over it unpacked.
    const bomb = gzipSync(Buffer.alloc(AGENT_BODY_LIMIT + 1024 * 1024, 0x20));
    assert.ok(bomb.length < AGENT_BODY_LIMIT / 100);
    const b = await post(srv.url, bomb, gz);
    assert.equal(b.status, 413);
    assert.match(((await b.json()) as { error: string }).error, /unpacked/);
    assert.equal((await post(srv.url, 'not gzip', gz)).status, 400);
    assert.equal((await post(srv.url, '{}', { ...auth, 'content-encoding': 'br' })).status, 415);
  });

  test('snapshots name the programs on edges, in the host detail, the graph and the process ranking', async () => {
    const t = LAB_START + 60_000;
    const s = snapshot('lab-server', t, [server, '127.0.0.1'], [listen('0.0.0.0', port, 42), listen('::', 65000, 43)], [proc(42, 'influxd'), proc(43, HOSTILE)], 600);
    const r = await post(srv.url, JSON.stringify(s), auth);
    assert.equal(r.status, 200, await r.clone().text());
    const a = (await r.json()) as AgentResponse;
    assert.deepEqual(a, { host: 'lab-server', sockets: 2, rows: 4, new_periods: 4, extended: 0, without_process: 0 });
    const c = snapshot('lab-client', t, [client], [conn(client, 40001, server, port, 7)], [proc(7, 'curl')], 600);
    assert.equal((await post(srv.url, JSON.stringify(c), auth)).status, 200);

    const edges = await getJson<TopEdgesResponse>(srv.url, `/api/v1/top/edges?server=${server}&port=${port}`, auth);
    const e = edges.rows.find((x) => x.client === client);
    assert.equal(e?.server_process, 'influxd');
    assert.equal(e?.client_process, 'curl');
    const host = await getJson<HostDetail>(srv.url, `/api/v1/hosts/${server}`, auth);
    assert.deepEqual(host.processes.map((p) => `${p.process} ${p.port}/${p.proto}`), [`influxd ${port}/tcp`, `${HOSTILE} 65000/tcp`]);
    const g = await getJson<DepGraph>(srv.url, `/api/v1/graph?server=${server}&port=${port}`, auth);
    assert.ok(g.edges.some((x) => x.process === 'influxd'));
    const procs = await getJson<TopProcessesResponse>(srv.url, '/api/v1/top/processes', auth);
    assert.deepEqual(procs.rows.map((p) => `${p.host} ${p.process}`).sort(), [`${client} curl`, `${server} influxd`].sort());
  });
});
