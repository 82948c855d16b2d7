/**
 * The sender against real local HTTP servers: retries on 5xx and on no connection (with back-off),
 * refusals settled at once, a bounded backlog while the server is away, one last attempt at stop.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { freePort, startReceiver, type AgentReceiver } from '../../testing/agent-receiver.js';
import { SnapshotSender, agentEndpoint, type SendOutcome } from './send.js';

const TOKEN = 'test-token-0123456789abcdef';

const open: AgentReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});
async function server(statuses: number[], port = 0): Promise<AgentReceiver> {
  const r = await startReceiver(statuses, port);
  open.push(r);
  return r;
}

function sender(port: number, extra: Partial<ConstructorParameters<typeof SnapshotSender>[0]> = {}) {
  const logs: string[] = [];
  const s = new SnapshotSender({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, backoff: { initialMs: 40, maxMs: 200 }, random: () => 1, log: (m) => logs.push(m), ...extra });
  return { s, logs };
}

describe('SnapshotSender', () => {
  it('retries 503 twice with growing waits, then the snapshot arrives once', async () => {
    const { port, got } = await server([503, 503, 200]);
    const { s, logs } = sender(port);
    const t0 = Date.now();
    assert.equal(await s.send('{"a":1}'), 'accepted');
    assert.ok(Date.now() - t0 >= 40 + 80, 'waited 40 then 80 ms');
    assert.deepEqual(got.map((g) => g.status), [503, 503, 200]);
    for (const g of got) {
      assert.equal(g.method, 'POST');
      assert.equal(g.url, '/api/v1/agent');
      assert.equal(g.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(g.headers['content-type'], 'application/json');
      assert.equal(g.headers['content-encoding'], 'gzip');
      assert.equal(g.body, '{"a":1}');
    }
    assert.deepEqual(s.stats, { accepted: 1, lost: 0, retries: 2, droppedFromBacklog: 0 });
    assert.equal(logs.length, 2);
    assert.match(logs[0], /HTTP 503: nope 503: retrying in 0\.0 s/);
    assert.equal(s.pending, 0);
  });

  it('waits as long as Retry-After asks, up to its longest back-off', async () => {
    const srv = await server([429, 503, 200]);
    srv.retryAfter = '1';
    const { s, logs } = sender(srv.port, { backoff: { initialMs: 40, maxMs: 600 } });
    const t0 = Date.now();
    assert.equal(await s.send('{"a":1}'), 'accepted');
    assert.ok(Date.now() - t0 >= 1_200, 'two waits of 0.6 s (1 s asked, capped)');
    assert.match(logs[0], /HTTP 429: nope 429: retrying in 0\.6 s/);
    assert.match(logs[1], /HTTP 503: nope 503: retrying in 0\.6 s/);
  });

  it('settles refusals at once, without retrying, and says why', async () => {
    const cases: [number, SendOutcome, RegExp][] = [
      [401, 'unauthorized', /refused the token \(HTTP 401\).*FLOWMAP_TOKEN/],
      [403, 'unauthorized', /refused the token \(HTTP 403\)/],
      [413, 'too-large', /too large \(HTTP 413, 27 bytes gzipped\)/],
      [400, 'invalid', /invalid \(HTTP 400: nope 400\)/],
      [404, 'refused', /HTTP 404.*agent endpoint/],
    ];
    for (const [status, outcome, message] of cases) {
      const { port, got } = await server([status, 200]);
        const { s, logs } = sender(port);
      assert.equal(await s.send('{"a":1}'), outcome, String(status));
      assert.equal(got.length, 1, `${status}: one request`);
      assert.equal(logs.length, 1);
      assert.match(logs[0], message);
      assert.match(logs[0], /snapshot dropped$/);
      // The next snapshot is tried again: the server may have been fixed.
      assert.equal(await s.send('{"a":2}'), 'accepted');
    }
  });

  it('backs off while the server is down and delivers once it comes up', async () => {
    const port = await freePort();
    const { s, logs } = sender(port);
    const fate = s.send('{"late":true}');
    await new Promise((r) => setTimeout(r, 400));
    const { got } = await server([200], port);
    assert.equal(await fate, 'accepted');
    assert.equal(got.length, 1);
    assert.equal(got[0].body, '{"late":true}');
    // 40, 80, 160, then 200 (the cap): at least three refused connections logged, the waits growing.
    const waits = logs.map((l) => Number(/retrying in ([\d.]+) s/.exec(l)?.[1]));
    assert.ok(waits.length >= 3, logs.join('\n'));
    assert.match(logs[0], /ECONNREFUSED/);
    assert.deepEqual(waits.slice(0, 4), [0, 0.1, 0.2, 0.2].slice(0, Math.min(4, waits.length)));
  });

  it('keeps at most its bound of snapshots while the server is away, dropping the oldest and counting them', async () => {
    const port = await freePort();
    const { s, logs } = sender(port, { backlog: { maxItems: 3, maxBytes: 1 << 20 } });
    const fates: Promise<SendOutcome>[] = [];
    for (let i = 0; i < 10; i++) {
      fates.push(s.send(JSON.stringify({ i })));
      assert.ok(s.pending <= 3, `pending ${s.pending}`);
      await new Promise((r) => setTimeout(r, 15));
    }
    assert.equal(s.stats.droppedFromBacklog, 7);
    assert.equal(logs.filter((l) => /backlog full/.test(l)).length, 7);
    assert.match(logs.filter((l) => /backlog full/.test(l)).at(-1) ?? '', /7 dropped so far/);
    const { got } = await server([200], port);
    const settled = await Promise.all(fates);
    assert.equal(settled.filter((f) => f === 'dropped').length, 7);
    assert.equal(settled.filter((f) => f === 'accepted').length, 3);
    assert.equal(settled[9], 'accepted', 'the newest is kept');
    assert.equal(got.length, 3);
    assert.deepEqual(s.stats, { accepted: 3, lost: 7, retries: s.stats.retries, droppedFromBacklog: 7 });
  });

  it('bounds the backlog by bytes too', async () => {
    const port = await freePort();
    const { s } = sender(port, { backlog: { maxItems: 100, maxBytes: 250 } });
    // Random padding does not pack: about 100 bytes each gzipped, as the backlog holds them.
    const fates = Array.from({ length: 10 }, (_, i) => s.send(JSON.stringify({ pad: randomBytes(60).toString('base64'), i })));
    // The one in flight and the newest fit in 250 bytes, the eight between are dropped.
    assert.equal(s.pending, 2);
    assert.equal(s.stats.droppedFromBacklog, 8);
    assert.equal(await s.stop(), 2);
    const settled = await Promise.all(fates);
    assert.deepEqual(settled, ['unsent', ...Array(8).fill('dropped'), 'unsent']);
  });

  it('at stop, makes one last attempt for each unsent snapshot and settles the rest unsent', async () => {
    const port = await freePort();
    const { s } = sender(port, { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const a = s.send('{"a":1}');
    await new Promise((r) => setTimeout(r, 100)); // refused once, now waiting a minute
    const { got } = await server([200], port);
    const t0 = Date.now();
    assert.equal(await s.stop(), 0);
    assert.ok(Date.now() - t0 < 5_000, 'the back-off wait was cut short');
    assert.equal(await a, 'accepted');
    assert.equal(got.length, 1);
    assert.equal(await s.send('{"after":1}'), 'unsent');

    const { s: s2 } = sender(await freePort(), { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const b = s2.send('{"b":1}');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await s2.stop(), 1);
    assert.equal(await b, 'unsent');
  });

  it('posts under the base URL\'s path and refuses other schemes', () => {
    assert.equal(agentEndpoint('http://10.0.0.5:8080').href, 'http://10.0.0.5:8080/api/v1/agent');
    assert.equal(agentEndpoint('https://flowmap.example/base/?x=1').href, 'https://flowmap.example/base/api/v1/agent');
    assert.throws(() => agentEndpoint('ftp://x'));
    assert.throws(() => agentEndpoint('not a url'));
  });
});
