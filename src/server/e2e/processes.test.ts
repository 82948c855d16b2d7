/**
 * The programs behind ports on the page (headless Chromium, real app): the map labels a service with
 * the program an agent saw listening, the host panel lists what listens there, the edge panel names
 * both ends' programs, the Tables tab ranks programs, and a hostile program name stays text.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { SocketIngest } from '../../pipeline/sockets.js';
import { DuckDbStore } from '../../store/duckdb.js';
import { parseFilter } from '../../filter/parse.js';
import type { DepGraph, TopProcessesResponse } from '../../api/types.js';
import { conn, listen, proc, snapshot } from '../../testing/agent-snapshots.js';
import { labDataset } from '../../testing/web-dataset.js';
import { e2eSkip, openPageSession, waitForDraw, waitIdle, type PageSession } from '../../testing/web-harness.js';

const skip = e2eSkip();
const HOSTILE = '<img src=x onerror=alert(1)>"\'&=cmd|';
const BACKUP = { client: '192.168.1.69', server: '192.168.1.240', port: 902 };

/** The lab dataset plus two agents: the backup target (its listener, and a hostile one) and the client. */
async function dataset(dir: string): Promise<{ db: string; config: string }> {
  const ds = await labDataset(dir);
  const store = await DuckDbStore.open(ds.db);
  try {
    await store.init();
    const edges = await store.top('edges', parseFilter({ server: [BACKUP.server], port: [String(BACKUP.port)] }, Date.now()));
    const e = edges.find((x) => x.client === BACKUP.client);
    if (!e) throw new Error('the lab has no backup edge');
    const t = Date.parse(e.first_seen);
    const ingest = new SocketIngest(store);
    await ingest.accept(snapshot('backup-nas', t, [BACKUP.server], [listen('0.0.0.0', BACKUP.port, 10), listen('::', 8443, 11)], [proc(10, 'vmware-authd'), proc(11, HOSTILE)], 3600));
    await ingest.accept(snapshot('esxi', t, [BACKUP.client], [conn(BACKUP.client, 40123, BACKUP.server, BACKUP.port, 20)], [proc(20, 'hostd')], 3600));
  } finally {
    await store.close();
  }
  return ds;
}

async function noHarm(s: PageSession): Promise<void> {
  assert.deepEqual(s.w.dialogs, [], 'no dialog opened (nothing ran)');
  assert.deepEqual(s.w.errors, []);
  assert.deepEqual(s.w.csp, []);
  assert.equal(await s.page.evaluate(() => document.querySelectorAll('img').length), 0, 'no element made from a program name');
}

describe('programs behind ports on the page (headless Chromium)', { skip }, () => {
  let s: PageSession;
  let page: Page;

  before(async () => {
    s = await openPageSession('processes-e2e', dataset);
    page = s.page;
  });
  after(() => s?.close());

  test('the map labels the service with the program listening behind it', async () => {
    await page.goto(`${s.app.url}/`);
    await waitForDraw(page);
    const { body: g } = await s.api<DepGraph>('/api/v1/graph?groupBy=host&top=500');
    const apiEdge = g.edges.find((e) => e.port === BACKUP.port);
    assert.equal(apiEdge?.process, 'vmware-authd');
    const label = await page.evaluate((port) => window.__flowmap?.cy?.edges().filter((e) => e.data('port') === port).map((e) => String(e.data('label')))[0], BACKUP.port);
    assert.match(label ?? '', /^vmware-authd 902\/tcp · /);
    await noHarm(s);
  });

  test('the host panel lists what listens there; the edge panel names both programs', async () => {
    await page.goto(`${s.app.url}/?sel=${encodeURIComponent(`n:${BACKUP.server}`)}`);
    await page.waitForSelector('[data-testid=host-detail] [data-testid=processes]');
    await waitIdle(page);
    const rows = await page.$$eval('[data-testid=host-detail] [data-testid=processes] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
    assert.deepEqual(rows, [['vmware-authd', '902/tcp'], [HOSTILE, '8443/tcp']]);
    await page.goto(`${s.app.url}/?sel=${encodeURIComponent(`e:${BACKUP.client}|${BACKUP.server}|${BACKUP.port}|tcp`)}`);
    await page.waitForSelector('[data-testid=edge-detail] [data-testid=server_process]');
    assert.equal(await page.textContent('[data-testid=edge-detail] [data-testid=title]'), 'vmware-authd 902/tcp');
    assert.equal(await page.textContent('[data-testid=edge-detail] [data-testid=server_process]'), 'vmware-authd');
    assert.equal(await page.textContent('[data-testid=edge-detail] [data-testid=client_process]'), 'hostd');
    await noHarm(s);
  });

  test('the Tables tab ranks programs, as the API does', async () => {
    await page.goto(`${s.app.url}/?tab=tables&table=processes`);
    await page.waitForSelector('[data-testid=top-processes]');
    await waitIdle(page);
    const { body } = await s.api<TopProcessesResponse>('/api/v1/top/processes?limit=200');
    const shown = await page.$$eval('[data-testid=top-processes] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
    assert.deepEqual(shown, body.rows.map((r) => [r.process, r.host]));
    assert.deepEqual(shown.map((r) => r[0]).sort(), ['hostd', 'vmware-authd']);
    await noHarm(s);
  });
});
