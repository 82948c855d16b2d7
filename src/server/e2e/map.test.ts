/**
 * The map page end to end: the built page (dist/web) served by the real app over HTTP from a DuckDB
 * store with a known dataset, driven in headless Debian Chromium. What is drawn must equal the API,
 * panels must show the store's numbers, filters/URL/exports/tabs must work, hostile names stay text.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { EdgeSingular } from 'cytoscape';
import type { Browser, Page } from 'playwright-core';
import { parseFilter } from '../../filter/parse.js';
import type { DuckDbStore } from '../../store/duckdb.js';
import type { ApiError, DepGraph } from '../../api/types.js';
import { HOSTILE_DNS, HOSTILE_SNI, labDataset } from '../../testing/web-dataset.js';
import { e2eSkip, openPageSession, waitForDraw, waitIdle, type PageSession, type Running, type Watched } from '../../testing/web-harness.js';

const skip = e2eSkip();

interface Drawn {
  nodes: string[];
  edges: string[];
  containers: string[];
}

/** The API graph in the same words as drawnGraph: `kind:key label [group]` and `client>server port/proto bytes`. */
function describeApi(g: DepGraph): Drawn {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const groupName = new Map(g.groups.map((gr) => [gr.id, gr.name]));
  return {
    nodes: g.nodes.map((n) => `${n.kind}:${n.key} ${n.label} [${n.group !== undefined ? groupName.get(n.group) : ''}]`).sort(),
    edges: g.edges.map((e) => `${byId.get(e.source)?.key}>${byId.get(e.target)?.key} ${e.port}/${e.proto} ${e.bytes_c2s}+${e.bytes_s2c}=${e.bytes}`).sort(),
    containers: g.groups.map((gr) => gr.name).sort(),
  };
}

/** What the Cytoscape instance holds, in describeApi's words. */
function drawnGraph(page: Page): Promise<Drawn> {
  return page.evaluate(() => {
    const cy = window.__flowmap?.cy;
    if (!cy) throw new Error('no map');
    const nodes: string[] = [];
    const containers: string[] = [];
    cy.nodes().forEach((n) => {
      const d = n.data() as { kind: string; key: string; label: string; parent?: string };
      if (d.kind === 'container') containers.push(d.key);
      else nodes.push(`${d.kind}:${d.key} ${d.label} [${d.parent ? d.parent.slice(2) : ''}]`);
    });
    const edges = cy.edges().map((e) => {
      const d = e.data() as { client: string; server: string; port: number; proto: string; bytes: number; bytes_c2s: number; bytes_s2c: number };
      return `${d.client}>${d.server} ${d.port}/${d.proto} ${d.bytes_c2s}+${d.bytes_s2c}=${d.bytes}`;
    });
    return { nodes: nodes.sort(), edges: edges.sort(), containers: containers.sort() };
  });
}

/** A real mouse click on a drawn node or edge (centred first so nothing covers it). */
async function clickElement(page: Page, id: string): Promise<void> {
  const at = await page.evaluate((elId) => {
    const cy = window.__flowmap?.cy;
    const ele = cy?.getElementById(elId);
    if (!cy || !ele || ele.empty()) throw new Error(`${elId} is not drawn`);
    cy.stop(true, false); // a focus animation still running would move the view after this
    cy.zoom(1);
    cy.center(ele);
    const p = ele.isNode() ? ele.renderedPosition() : (ele as unknown as EdgeSingular).renderedMidpoint();
    const box = (document.getElementById('cy') as HTMLElement).getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, id);
  await page.waitForTimeout(100);
  await page.mouse.click(at.x, at.y);
}

describe('map page (headless Chromium, real app, DuckDB store)', { skip }, () => {
  let s: PageSession;
  let app: Running & { store: DuckDbStore };
  let browser: Browser;
  let w: Watched;
  let page: Page;
  const api = <T>(path: string): Promise<{ status: number; body: T }> => s.api<T>(path);
  const shot = (name: string): Promise<Buffer> => s.shot(name);

  before(async () => {
    s = await openPageSession('web-e2e', labDataset);
    ({ app, browser, w, page } = s);
  });

  after(() => s?.close());

  test('the map draws exactly the API graph (nodes, edges, groups) and says so in text', async () => {
    await page.goto(`${app.url}/`);
    await waitForDraw(page);
    await shot('01-map');
    const { body: g } = await api<DepGraph>('/api/v1/graph?groupBy=host&top=500');
    assert.deepEqual(await drawnGraph(page), describeApi(g));
    assert.equal(g.nodes.length, 11);
    assert.equal(g.edges.length, 8);
    assert.equal(await page.textContent('[data-testid=counts]'), `${g.nodes.length} nodes, ${g.edges.length} dependencies`);
    // The colour key names the services drawn.
    const legend = await page.textContent('#legend');
    for (const s of ['vmware-esxi-nfc', 'https', 'ssh', 'dns']) assert.ok(legend?.includes(s), `${s} in the legend: ${legend}`);
    // Host search suggestions come from the drawn graph.
    const options = await page.$$eval('#hosts option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.ok(options.includes('192.168.1.240') && options.includes('backup-nas.lab'));
  });

  test('host search finds a host by name or address, focuses and marks it', async () => {
    await page.fill('#search', 'backup-nas.lab');
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => window.__flowmap?.cy?.$(':selected').id() === 'N:host:192.168.1.240');
    assert.equal(await page.evaluate(() => window.__flowmap?.cy?.getElementById('N:host:192.168.1.240').hasClass('found')), true);
    await page.fill('#search', '2001:db8::10');
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => window.__flowmap?.cy?.$(':selected').id() === 'N:host:2001:db8::10');
    await page.fill('#search', 'no-such-host');
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => /no host matching "no-such-host"/.test(document.getElementById('error')?.textContent ?? ''));
    await page.fill('#search', '');
    await waitIdle(page);
  });

  test('edges beyond "edges" fold into the dashed "other" node, and the page says how many', async () => {
    await page.fill('#top', '3');
    await page.click('#controls button[type=submit]');
    await page.waitForFunction(() => (window.__flowmap?.graph?.meta.cutEdges ?? 0) > 0 && window.__flowmap?.busy === 0);
    const { body: g } = await api<DepGraph>('/api/v1/graph?groupBy=host&top=3');
    assert.deepEqual(await drawnGraph(page), describeApi(g));
    assert.ok(g.meta.cutEdges > 0);
    const other = await page.evaluate(() => {
      const n = window.__flowmap?.cy?.nodes('[kind = "other"]');
      return n && n.nonempty() ? n.style('border-style') : null;
    });
    assert.equal(other, 'dashed');
    const folded = await page.textContent('[data-testid=folded]');
    assert.match(folded ?? '', new RegExp(`^${g.meta.cutEdges} smaller dependencies \\(`));
    assert.equal(await page.getAttribute('[data-testid=folded] .bytes', 'data-bytes'), String(g.meta.cutBytes));
    await shot('02-other');
    await page.fill('#top', '500');
    await page.click('#controls button[type=submit]');
    await page.waitForFunction(() => window.__flowmap?.graph?.meta.cutEdges === 0 && window.__flowmap?.busy === 0);
    await waitIdle(page);
  });

  test('clicking a host shows its true totals (= store.top talkers), names and peers', async () => {
    await clickElement(page, 'N:host:192.168.1.240');
    await page.waitForSelector('[data-testid=host-detail] [data-testid=totals]');
    await waitIdle(page);
    await shot('02-host-panel');
    const talkers = await app.store.top('talkers', parseFilter({ limit: '1000' }, Date.now()));
    const t = talkers.find((r) => r.host === '192.168.1.240');
    assert.ok(t);
    const bytesOf = (k: string): Promise<string | null> => page.getAttribute(`[data-testid=host-detail] [data-testid=${k}] .bytes`, 'data-bytes');
    assert.equal(await bytesOf('bytes_sent'), String(t.bytes_sent));
    assert.equal(await bytesOf('bytes_received'), String(t.bytes_received));
    assert.equal(await bytesOf('bytes'), String(t.bytes));
    assert.equal(await page.textContent('[data-testid=host-detail] [data-testid=packets]'), t.packets.toLocaleString('en-US'));
    assert.equal(await page.textContent('[data-testid=host-detail] [data-testid=connections]'), String(t.connections));
    assert.equal(await page.textContent('[data-testid=host-detail] [data-testid=peers]'), String(t.peers));
    // Human units in the text, the exact count in the tooltip.
    assert.equal(await page.textContent('[data-testid=host-detail] [data-testid=bytes] .bytes'), '364.6 kB');
    assert.equal(await page.getAttribute('[data-testid=host-detail] [data-testid=bytes] .bytes', 'title'), '364,600 bytes');
    assert.equal(await page.textContent('[data-testid=host-detail] [data-testid=title]'), 'backup-nas.lab');
    assert.match((await page.textContent('[data-testid=host-detail] [data-testid=names]')) ?? '', /backup-nas\.lab\s*dns/);
    // Its clients, with a link back to the map; the selection is in the URL.
    const clients = await page.$$eval('[data-testid=clients] tbody tr', (rows) => rows.map((r) => r.textContent));
    assert.equal(clients.length, 2);
    assert.match(page.url(), /sel=n%3A192\.168\.1\.240/);
    await page.click('[data-testid=clients] button.link >> text=192.168.1.66');
    await page.waitForFunction(() => window.__flowmap?.cy?.$(':selected').id() === 'N:host:192.168.1.66');
    assert.match(page.url(), /sel=n%3A192\.168\.1\.66/);
    await waitIdle(page);
  });

  test('clicking an edge shows both directions and its conversations (= store.top flows)', async () => {
    await clickElement(page, 'E:N:host:192.168.1.69>N:host:192.168.1.240>902/tcp');
    await page.waitForSelector('[data-testid=edge-detail] [data-testid=conversations]');
    await waitIdle(page);
    await shot('03-edge-panel');
    assert.equal(await page.getAttribute('[data-testid=edge-detail] [data-testid=bytes_c2s] .bytes', 'data-bytes'), '3610');
    assert.equal(await page.getAttribute('[data-testid=edge-detail] [data-testid=bytes_s2c] .bytes', 'data-bytes'), '350990');
    const flows = await app.store.top('flows', parseFilter({ host: ['192.168.1.69'], port: ['902'], limit: '100' }, Date.now()));
    const rows = await page.$$eval('[data-testid=conversations] tbody tr', (trs) => trs.map((r) => [...r.querySelectorAll('td')].map((td) => td.querySelector('.bytes')?.getAttribute('data-bytes') ?? td.textContent)));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.map((r) => `${r[0]}/${r[1]} ${r[2]}+${r[3]}`).sort(), flows.map((f) => `${f.client_port}/${f.vlan} ${f.bytes_c2s}+${f.bytes_s2c}`).sort());
    assert.ok(await page.$('[data-testid=edge-detail] [data-testid=chart] canvas'), 'a traffic chart is drawn');
  });

  test('hostile DNS and SNI names render as text: no dialog, no injected element', async () => {
    await clickElement(page, 'N:host:192.168.1.55');
    await page.waitForSelector('[data-testid=host-detail] [data-testid=names]');
    await waitIdle(page);
    await shot('04-hostile-sni');
    assert.equal(await page.textContent('[data-testid=host-detail] [data-testid=title]'), HOSTILE_SNI);
    await clickElement(page, 'N:host:192.168.1.66');
    await page.waitForFunction((t) => document.querySelector('[data-testid=host-detail] [data-testid=title]')?.textContent === t, HOSTILE_DNS);
    await waitIdle(page);
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, b, script:not([type=module])').length), 0);
    assert.equal(await page.evaluate(() => document.querySelectorAll('script').length), 1);
    const labels = await page.evaluate(() => window.__flowmap?.cy?.nodes().map((n) => n.data('label') as string));
    assert.ok(labels?.includes(HOSTILE_SNI) && labels.includes(HOSTILE_DNS), 'the map labels carry the names verbatim (drawn on canvas)');
    const suggestion = await page.$$eval('#hosts option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.ok(suggestion.includes(HOSTILE_SNI));
    await page.waitForTimeout(300);
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.csp, []);
  });

  test('a group collapses into one node with rerouted, summed edges, and expands again', async () => {
    const draws = await page.evaluate(() => window.__flowmap?.draws);
    await page.click('#legend button.link >> text=Backup');
    await page.waitForFunction(() => window.__flowmap?.cy?.getElementById('G:Backup').hasClass('collapsed'));
    await shot('05-collapsed');
    const d = await drawnGraph(page);
    assert.ok(!d.nodes.some((n) => n.startsWith('host:192.168.1.240 ') || n.startsWith('host:192.168.1.69 ')));
    // 192.168.1.66 -> both members on 445/tcp: one edge to the group, bytes summed; traffic inside dropped.
    assert.ok(d.edges.includes('192.168.1.66>Backup 445/tcp 8100+3900=12000'), d.edges.join('\n'));
    assert.ok(!d.edges.some((e) => e.includes(' 902/tcp')));
    assert.equal(await page.evaluate(() => window.__flowmap?.draws), draws, 'collapsing does not lay the map out anew');
    assert.match(page.url(), /collapsed=Backup/);
    await page.click('#legend button.link >> text=Backup');
    await page.waitForFunction(() => window.__flowmap?.cy?.getElementById('N:host:192.168.1.240').nonempty());
    const { body: g } = await api<DepGraph>('/api/v1/graph?groupBy=host&top=500');
    assert.deepEqual(await drawnGraph(page), describeApi(g));
  });

  test('filters and time range change the map (same answer as the API); bad input shows the API message', async () => {
    const draws = (await page.evaluate(() => window.__flowmap?.draws)) ?? 0;
    await page.fill('#subnet', '192.168.1.0/24');
    await page.fill('#exclude', '192.168.1.151');
    await page.click('#controls button[type=submit]');
    await waitForDraw(page, draws + 1);
    await shot('06-filtered');
    const lab = await api<DepGraph>('/api/v1/graph?subnet=192.168.1.0%2F24&exclude=192.168.1.151&groupBy=host&top=500');
    const drawn = await drawnGraph(page);
    assert.deepEqual(drawn, describeApi(lab.body));
    assert.ok(!drawn.nodes.some((n) => n.startsWith('host:8.8.8.8') || n.startsWith('host:192.168.1.151')));

    // 1h counts back from the newest record (the data is older than an hour): yesterday's ssh goes.
    await page.click('#presets button[data-range="1h"]');
    await waitForDraw(page, draws + 2);
    const newest = '2026-11-28T07:05:01.000Z';
    const hour = await api<DepGraph>(`/api/v1/graph?subnet=192.168.1.0%2F24&exclude=192.168.1.151&since=${encodeURIComponent(new Date(Date.parse(newest) - 3600e3).toISOString())}&until=${encodeURIComponent(newest)}&groupBy=host&top=500`);
    const inHour = await drawnGraph(page);
    assert.deepEqual(inHour, describeApi(hour.body));
    assert.ok(drawn.nodes.some((n) => n.startsWith('host:192.168.1.70')) && !inHour.nodes.some((n) => n.startsWith('host:192.168.1.70')));
    assert.match((await page.textContent('#meta')) ?? '', /last 1h of data/);

    // A custom window (UTC) and a service.
    await page.fill('#from', '2026-11-28T07:00:30');
    await page.fill('#to', '2026-11-28T07:10:00');
    await page.fill('#service', '445/tcp');
    await page.click('#controls button[type=submit]');
    await waitForDraw(page, draws + 3);
    const custom = await api<DepGraph>('/api/v1/graph?subnet=192.168.1.0%2F24&exclude=192.168.1.151&port=445&proto=tcp&since=2026-11-28T07%3A00%3A30Z&until=2026-11-28T07%3A10%3A00Z&groupBy=host&top=500');
    assert.deepEqual(await drawnGraph(page), describeApi(custom.body));
    assert.equal(custom.body.edges.length, 2);
    assert.match(page.url(), /range=custom/);

    // A bad CIDR: the API's 400 message, inline.
    await page.fill('#subnet', '10.0.0.0/33');
    await page.click('#controls button[type=submit]');
    await page.waitForFunction(() => (document.getElementById('error')?.textContent ?? '') !== '');
    const bad = await api<ApiError>('/api/v1/graph?subnet=10.0.0.0%2F33');
    assert.equal(bad.status, 400);
    assert.equal(await page.textContent('#error'), bad.body.error);
    await shot('07-bad-cidr');
    // The browser logs the refused request itself; that is the only error expected.
    assert.deepEqual(w.errors.splice(0), ['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  test('the URL restores the view on reload and with back/forward', async () => {
    await page.fill('#subnet', '192.168.1.0/24');
    await page.fill('#from', '');
    await page.fill('#to', '');
    await page.fill('#service', '');
    await page.click('#controls button[type=submit]');
    await page.waitForFunction(() => (document.getElementById('error')?.textContent ?? '') === '' && window.__flowmap?.graph !== null);
    await waitIdle(page);
    await page.selectOption('#groupBy', 'subnet');
    await waitIdle(page);
    await page.waitForFunction(() => window.__flowmap?.cy?.nodes('[kind = "subnet"]').nonempty());
    const before = await drawnGraph(page);
    const url = page.url();
    assert.match(url, /groupBy=subnet/);
    await page.reload();
    await waitForDraw(page);
    assert.deepEqual(await drawnGraph(page), before);
    assert.equal(await page.inputValue('#subnet'), '192.168.1.0/24');
    assert.equal(await page.inputValue('#exclude'), '192.168.1.151');
    assert.equal(await page.inputValue('#groupBy'), 'subnet');
    // Back: grouping by host again; forward: by subnet.
    await page.goBack();
    await page.waitForFunction(() => window.__flowmap?.cy?.nodes('[kind = "host"]').nonempty() && window.__flowmap.busy === 0);
    assert.equal(await page.inputValue('#groupBy'), 'host');
    await page.goForward();
    await page.waitForFunction(() => window.__flowmap?.cy?.nodes('[kind = "subnet"]').nonempty() && window.__flowmap.busy === 0);
    // A shared link with a selection and a tab opens on that.
    const shared = await browser.newPage();
    await shared.goto(`${app.url}/?sel=n%3A192.168.1.69&subnet=192.168.1.0%2F24`);
    await waitForDraw(shared);
    await shared.waitForSelector('[data-testid=host-detail] [data-testid=totals]');
    assert.equal(await shared.textContent('[data-testid=host-detail] [data-testid=title]'), '192.168.1.69');
    assert.equal(await shared.evaluate(() => window.__flowmap?.cy?.$(':selected').id()), 'N:host:192.168.1.69');
    await shared.close();
  });

  test('export buttons download the current map in each format (parsed)', async () => {
    await page.goto(`${app.url}/?subnet=192.168.1.0%2F24&exclude=192.168.1.151`);
    await waitForDraw(page);
    const drawn = await page.evaluate(() => ({ nodes: window.__flowmap?.graph?.nodes.length, edges: window.__flowmap?.graph?.edges.length }));
    const download = async (format: string): Promise<string> => {
      await page.click('details.exports summary');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#exports a[data-format="${format}"]`)]);
      const path = await dl.path();
      await page.click('details.exports summary');
      return readFileSync(path, 'utf8');
    };
    const json = JSON.parse(await download('json')) as DepGraph;
    assert.equal(json.nodes.length, drawn.nodes);
    assert.equal(json.edges.length, drawn.edges);
    const csv = parseCsv(await download('csv'), { columns: true }) as Array<Record<string, string>>;
    assert.equal(csv.length, drawn.edges);
    assert.match(await download('mermaid'), /^flowchart /);
    const svg = await download('svg');
    assert.match(svg, /<svg[\s>]/);
    assert.ok(svg.includes('192.168.1.240'), 'the SVG draws the filtered map');
    assert.ok(!svg.includes('192.168.1.151'), 'without the excluded host');
    const formats = await page.$$eval('#exports a', (as) => as.map((a) => a.getAttribute('data-format')));
    assert.ok(formats.length >= 10, formats.join(','));
  });

  test('tables: top edges, talkers and services under the same filters, sortable, linked to the map', async () => {
    await page.click('nav.tabs button[data-tab=tables]');
    await page.waitForSelector('[data-testid=top-edges]');
    await waitIdle(page);
    await shot('08-tables');
    const filter = parseFilter({ subnet: ['192.168.1.0/24'], exclude: ['192.168.1.151'], limit: '200' }, Date.now());
    const edges = await app.store.top('edges', filter);
    const cells = await page.$$eval('[data-testid=top-edges] tbody tr', (trs) => trs.map((r) => [...r.querySelectorAll('td')].map((td) => td.querySelector('.bytes')?.getAttribute('data-bytes') ?? td.textContent)));
    assert.deepEqual(cells.map((c) => `${c[0]}>${c[1]} ${c[5]}`), edges.map((e) => `${e.client}>${e.server} ${e.bytes}`));
    // Sort by bytes, lightest first (second click on the column).
    // Each click redraws the table: the second must reach the redrawn header, or it repeats the first.
    const sorted = (dir: string) => page.waitForFunction((d) => document.querySelector('[data-testid=top-edges] th[data-key=bytes]')?.getAttribute('aria-sort') === d, dir);
    await page.click('[data-testid=top-edges] th[data-key=bytes]');
    await sorted('descending');
    await page.click('[data-testid=top-edges] th[data-key=bytes]');
    await sorted('ascending');
    const asc = await page.$$eval('[data-testid=top-edges] tbody tr td:nth-child(6) .bytes', (els) => els.map((e) => Number(e.getAttribute('data-bytes'))));
    assert.deepEqual(asc, edges.map((e) => e.bytes).sort((a, b) => a - b));
    assert.match(page.url(), /sort=bytes/);

    await page.click('.table-tabs button[data-table=talkers]');
    await page.waitForSelector('[data-testid=top-talkers]');
    await waitIdle(page);
    const talkers = await app.store.top('talkers', filter);
    const trows = await page.$$eval('[data-testid=top-talkers] tbody tr', (trs) => trs.map((r) => [...r.querySelectorAll('td')].map((td) => td.querySelector('.bytes')?.getAttribute('data-bytes') ?? td.textContent)));
    assert.deepEqual(trows.map((c) => `${c[0]} ${c[1]} ${c[2]} ${c[3]}`), talkers.map((t) => `${t.host} ${t.bytes_sent} ${t.bytes_received} ${t.bytes}`));

    await page.click('.table-tabs button[data-table=services]');
    await page.waitForSelector('[data-testid=top-services]');
    await waitIdle(page);
    const names = await page.$$eval('[data-testid=top-services] tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
    assert.ok(names.includes('vmware-esxi-nfc 902/tcp') && names.includes('https 443/tcp'), names.join(','));

    // A talker row takes you to the map with that host selected.
    await page.click('.table-tabs button[data-table=talkers]');
    await page.waitForSelector('[data-testid=top-talkers]');
    await page.click('[data-testid=top-talkers] button.link >> text=192.168.1.240');
    await page.waitForFunction(() => window.__flowmap?.state.tab === 'map' && window.__flowmap.cy?.$(':selected').id() === 'N:host:192.168.1.240');
    assert.equal(await page.isVisible('#view-map'), true);
  });

  test('exporter health tab shows the stored exporter rows', async () => {
    await page.click('nav.tabs button[data-tab=exporters]');
    await page.waitForSelector('[data-testid=exporters] tbody tr');
    await waitIdle(page);
    await shot('09-exporters');
    const row = await page.$$eval('[data-testid=exporters] tbody tr td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(row.slice(0, 8), ['192.0.2.10', '0', 'netflow-v9', '1,200', '36,000', '3', '1', '2']);
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.csp, []);
  });
});
