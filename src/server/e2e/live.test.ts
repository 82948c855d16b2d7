/**
 * Live map: `flowmap serve --netflow 0` as its own process, the page open in headless Chromium, a
 * NetFlow v5 datagram sent over UDP: the new dependency appears on the map in place (no reload, no
 * new layout), with the numbers the API gives.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../testing/chromium.js';
import { v5Packet } from '../../testing/flowexport-builders.js';
import { RECORDS } from '../../testing/records.js';
import { getJson, startServe, type RunningServe } from '../../testing/server.js';
import type { DepGraph } from '../../api/types.js';
import { screenshotDir, waitForDraw, watchedPage, writeStore, type Watched, e2eSkip } from '../../testing/web-harness.js';

const skip = e2eSkip();

async function send(port: number, d: Buffer): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => s.send(d, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  s.close();
}

describe('live map (flowmap serve --netflow 0, headless Chromium)', { skip }, () => {
  let dir: string;
  let serve: RunningServe;
  let browser: Browser;
  let w: Watched;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowmap-web-live-'));
    const db = join(dir, 'live.duckdb');
    await writeStore(db, RECORDS);
    serve = await startServe(db, ['--netflow', '0']);
    browser = await launchChromium();
    w = await watchedPage(browser);
  });

  after(async () => {
    await browser?.close();
    if (serve) {
      const { code } = await serve.stop();
      assert.equal(code, 0);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a NetFlow datagram adds its edge to the open map without a reload or a new layout', async () => {
    const shots = screenshotDir('web-live-shots');
    const page = w.page;
    await page.goto(serve.url);
    await waitForDraw(page);
    await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live');
    assert.match((await page.getAttribute('#live', 'title')) ?? '', new RegExp(`netflow ${serve.ports.netflow}/udp`));
    const before = await page.evaluate(() => ({ nodes: window.__flowmap?.cy?.nodes().length, edges: window.__flowmap?.cy?.edges().length }));
    // A marker a reload would lose, and where a kept node is: it must not move.
    const kept = 'N:host:192.168.1.69';
    const keptAt = await page.evaluate((id) => {
      (window as unknown as { __marker: number }).__marker = 42;
      return window.__flowmap?.cy?.getElementById(id).position();
    }, kept);
    await page.screenshot({ path: join(shots, 'live-before.png') });

    // Both halves of a PostgreSQL conversation, stamped now.
    await send(serve.ports.netflow, v5Packet({
      seq: 0, sysUptime: 100_000, unixSecs: Math.floor(Date.now() / 1000),
      flows: [
        { src: '10.9.0.1', dst: '10.9.0.2', srcPort: 40000, dstPort: 5432, proto: 6, packets: 10, bytes: 1000, first: 90_000, last: 99_000, tcpFlags: 0x1b },
        { src: '10.9.0.2', dst: '10.9.0.1', srcPort: 5432, dstPort: 40000, proto: 6, packets: 8, bytes: 8000, first: 90_000, last: 99_000, tcpFlags: 0x1b },
      ],
    }));
    const id = 'E:N:host:10.9.0.1>N:host:10.9.0.2>5432/tcp';
    await page.waitForFunction((edgeId) => window.__flowmap?.cy?.getElementById(edgeId).nonempty() === true, id, { timeout: 20_000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, 'live-after.png') });

    const after = await page.evaluate((edgeId) => {
      const f = window.__flowmap;
      const e = f?.cy?.getElementById(edgeId);
      return {
        marker: (window as unknown as { __marker?: number }).__marker,
        draws: f?.draws, nodes: f?.cy?.nodes().length, edges: f?.cy?.edges().length,
        data: e?.data() as { bytes_c2s: number; bytes_s2c: number; packets: number; service: string },
        keptAt: f?.cy?.getElementById('N:host:192.168.1.69').position(),
      };
    }, id);
    assert.equal(after.marker, 42, 'no reload');
    assert.equal(after.draws, 1, 'no new full layout');
    assert.deepEqual(after.keptAt, keptAt, 'nodes already drawn stay where they were');
    assert.equal(after.nodes, (before.nodes ?? 0) + 2);
    assert.equal(after.edges, (before.edges ?? 0) + 1);
    // The same numbers as the API.
    const g = await getJson<DepGraph>(serve.url, '/api/v1/graph');
    const key = (nid: string): string | undefined => g.nodes.find((n) => n.id === nid)?.key;
    const e = g.edges.find((x) => key(x.source) === '10.9.0.1' && key(x.target) === '10.9.0.2');
    assert.ok(e);
    assert.deepEqual([after.data.bytes_c2s, after.data.bytes_s2c, after.data.packets, after.data.service], [e.bytes_c2s, e.bytes_s2c, e.packets, e.service]);
    assert.deepEqual([e.bytes_c2s, e.bytes_s2c], [1000, 8000]);
    // The header's record count follows.
    await page.waitForFunction((n) => document.getElementById('store')?.textContent?.includes(`${n} records`), (RECORDS.length + 1).toLocaleString('en-US'));
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.csp, []);
  });
});
