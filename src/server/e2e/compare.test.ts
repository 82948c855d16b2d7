/**
 * Compare mode (`flowmap diff` on the map) end to end: the built page served by the real app over
 * the diff lab's store (two hours with a known new host, a removed dependency and a five-fold one),
 * driven in headless Debian Chromium. The map must colour exactly the API's added, removed and
 * changed dependencies, the lists must equal the API's, and clearing must restore the map.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ApiError, DiffResponse } from '../../api/types.js';
import { serviceLabel } from '../../graph/model.js';
import { diffLabStore, type DiffLab } from '../../testing/diff-lab.js';
import { e2eSkip, openPageSession, waitForDraw, waitIdle, type PageSession, type Running, type Watched } from '../../testing/web-harness.js';

const skip = e2eSkip();

type Key = { client: string; server: string; port: number; proto: string };
const key = (e: Key): string => `${e.client}>${e.server} ${e.port}/${e.proto}`;

interface Coloured {
  added: string[];
  removed: string[];
  grown: string[];
  shrunk: string[];
  /** Extra elements drawn for compare mode (ids). */
  extra: string[];
  dashed: string[];
  newHosts: string[];
  /** Edges neither coloured nor dimmed (must be none). */
  plain: number;
  tips: Record<string, string>;
}

/** What the map colours, by class, in `key` words. */
function coloured(page: Page): Promise<Coloured> {
  return page.evaluate(() => {
    const cy = window.__flowmap?.cy;
    if (!cy) throw new Error('no map');
    const k = (e: import('cytoscape').EdgeSingular): string => `${e.data('client')}>${e.data('server')} ${e.data('port')}/${e.data('proto')}`;
    const of = (cls: string): string[] => cy.edges(`.${cls}`).map(k).sort();
    const tips: Record<string, string> = {};
    cy.edges('.cmp-added, .cmp-removed, .cmp-grown, .cmp-shrunk').forEach((e) => {
      tips[k(e)] = String(e.data('cmp'));
    });
    return {
      added: of('cmp-added'), removed: of('cmp-removed'), grown: of('cmp-grown'), shrunk: of('cmp-shrunk'),
      extra: cy.elements('.cmp-extra').map((e) => e.id()).sort(),
      dashed: cy.edges().filter((e) => e.style('line-style') === 'dashed').map(k).sort(),
      newHosts: cy.nodes('.cmp-new-host').map((n) => n.data('key') as string).sort(),
      plain: cy.edges().filter((e) => !e.hasClass('cmp-same') && !['cmp-added', 'cmp-removed', 'cmp-grown', 'cmp-shrunk'].some((c) => e.hasClass(c))).length,
      tips,
    };
  });
}

/** Every element of the map with its classes: equal before and after a compare means "restored". */
function snapshot(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const cy = window.__flowmap?.cy;
    if (!cy) throw new Error('no map');
    return cy.elements().map((e) => `${e.id()} [${e.classes().filter((c) => c !== 'arrows').sort().join(' ')}] ${String(e.style('opacity'))}`).sort();
  });
}

describe('compare mode (headless Chromium, diff lab)', { skip }, () => {
  let s: PageSession;
  let lab: DiffLab;
  let app: Running;
  let w: Watched;
  let page: Page;
  const api = <T>(path: string): Promise<{ status: number; body: T }> => s.api<T>(path);
  const shot = (name: string): Promise<Buffer> => s.shot(name);
  const diffOf = async (): Promise<DiffResponse> => {
    const { status, body } = await api<DiffResponse>(`/api/v1/diff?before=${lab.before}&after=${lab.after}`);
    assert.equal(status, 200);
    return body;
  };

  before(async () => {
    s = await openPageSession('web-compare', (dir) => (lab = diffLabStore(dir)));
    ({ app, w, page } = s);
  });

  after(() => s?.close());

  test('both hours drawn: the API\'s added, removed and changed edges are coloured, the lists match, clearing restores', async () => {
    await page.goto(`${app.url}/`);
    await waitForDraw(page);
    await waitIdle(page);
    const plain = await snapshot(page);
    await page.fill('[data-testid=cmp-before]', lab.before);
    await page.fill('[data-testid=cmp-after]', lab.after);
    await page.click('[data-testid=cmp-run]');
    await page.waitForFunction(() => window.__flowmap?.diff !== null && window.__flowmap?.diff !== undefined);
    await waitIdle(page);
    await shot('01-compare');
    const d = await diffOf();
    // The lab's known drift, so the page is checked against a non-trivial answer.
    assert.deepEqual(d.added.map(key).sort(), lab.newHost.edges.map(key).sort());
    assert.deepEqual(d.removed.map(key), [key(lab.gone)]);
    assert.deepEqual(d.changed.map(key), [key(lab.grown)]);

    const c = await coloured(page);
    assert.deepEqual(c.added, d.added.map(key).sort());
    assert.deepEqual(c.removed, d.removed.map(key).sort());
    assert.deepEqual(c.grown, d.changed.filter((x) => x.ratio === null || x.ratio > 1).map(key).sort());
    assert.deepEqual(c.shrunk, d.changed.filter((x) => x.ratio !== null && x.ratio < 1).map(key).sort());
    assert.deepEqual(c.dashed, c.removed, 'removed edges, and only they, are dashed');
    assert.deepEqual(c.extra, [], 'every edge of both hours is on the map already');
    assert.equal(c.plain, 0, 'every other edge is dimmed');
    assert.deepEqual(c.newHosts, [lab.newHost.address]);
    const grown = d.changed[0];
    assert.match(c.tips[key(grown)], new RegExp(`^grown ×${String(grown.ratio).replace('.', '\\.')} `));
    const colour = await page.evaluate((id) => window.__flowmap?.cy?.edges().filter((e) => e.hasClass(id)).map((e) => e.style('line-color') as string), 'cmp-added');
    assert.deepEqual([...new Set(colour)], ['rgb(0,158,115)']);

    // The lists.
    const rows = (sel: string): Promise<string[]> =>
      page.$$eval(`[data-testid=${sel}] tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.querySelector('.bytes')?.getAttribute('data-bytes') ?? td.textContent).join(' ')));
    assert.deepEqual(await rows('cmp-added'), d.added.map((e) => `${e.client} ${e.server} ${serviceLabel(e)} ${e.bytes}`));
    assert.deepEqual(await rows('cmp-removed'), d.removed.map((e) => `${e.client} ${e.server} ${serviceLabel(e)} ${e.bytes}`));
    assert.deepEqual(await rows('cmp-changed'), d.changed.map((e) => `${e.client} ${e.server} ${serviceLabel(e)} ${e.bytes_before} ${e.bytes_after} ×${e.ratio}`));
    assert.deepEqual(await rows('cmp-hosts-added'), d.hosts_added.map((x) => `${x.address} ${x.name ?? '-'} ${x.group ?? '-'} ${x.bytes}`));
    assert.equal(d.hosts_removed.length, 0);
    assert.deepEqual(await rows('cmp-hosts-removed'), ['nothing in this window']);
    assert.match((await page.textContent('[data-testid=cmp-summary]')) ?? '', /^3 added, 1 removed, 1 changed \(×2, of bytes\), \d+ unchanged; hosts 1 new, 0 gone$/);
    assert.match(page.url(), /cmpBefore=/);

    // Clearing: the map exactly as before, no list.
    await page.click('[data-testid=cmp-clear]');
    await page.waitForFunction(() => window.__flowmap?.diff === null);
    await waitIdle(page);
    assert.deepEqual(await snapshot(page), plain);
    assert.equal(await page.isVisible('[data-testid=compare-panel]'), false);
    assert.doesNotMatch(page.url(), /cmpBefore=/);
  });

  test('the map shows the after hour only: the removed edge is drawn as an extra, dashed red edge; a link restores compare mode', async () => {
    const [from, to] = lab.after.split('..');
    const q = new URLSearchParams({ range: 'custom', from, to, cmpBefore: lab.before, cmpAfter: lab.after });
    await page.goto(`${app.url}/?${q.toString()}`);
    await waitForDraw(page);
    await page.waitForFunction(() => window.__flowmap?.diff !== null && window.__flowmap?.diff !== undefined);
    await waitIdle(page);
    await shot('02-compare-after-window');
    const d = await diffOf();
    const c = await coloured(page);
    const gone = `D:${lab.gone.client}>${lab.gone.server}>${lab.gone.port}/${lab.gone.proto}`;
    assert.deepEqual(c.extra, [gone], 'only the removed dependency is missing from the after hour');
    assert.deepEqual(c.removed, d.removed.map(key));
    assert.deepEqual(c.dashed, c.removed);
    assert.deepEqual(c.added, d.added.map(key).sort());
    assert.deepEqual(c.grown, d.changed.map(key).sort());
    // Its ends are the map's own host nodes, and it is red.
    const ends = await page.evaluate((id) => {
      const e = window.__flowmap?.cy?.getElementById(id);
      return e ? [e.data('source') as string, e.data('target') as string, e.style('line-color') as string] : [];
    }, gone);
    assert.deepEqual(ends, [`N:host:${lab.gone.client}`, `N:host:${lab.gone.server}`, 'rgb(214,39,40)']);
    assert.equal(await page.inputValue('[data-testid=cmp-before]'), lab.before);

    // Clear: the extra edge goes.
    await page.click('[data-testid=cmp-clear]');
    await page.waitForFunction(() => window.__flowmap?.diff === null);
    assert.equal(await page.evaluate(() => window.__flowmap?.cy?.elements('[id ^= "D:"]').length), 0);
    assert.equal(await page.evaluate(() => window.__flowmap?.cy?.elements('.cmp-same').length), 0);
  });

  test('a bad window shows the API\'s message, and nothing is coloured', async () => {
    await page.fill('[data-testid=cmp-before]', 'yesterday..today');
    await page.fill('[data-testid=cmp-after]', lab.after);
    await page.click('[data-testid=cmp-run]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=cmp-error]')?.textContent ?? '') !== '');
    const { status, body } = await api<ApiError>(`/api/v1/diff?before=yesterday..today&after=${lab.after}`);
    assert.equal(status, 400);
    assert.equal(await page.textContent('[data-testid=cmp-error]'), body.error);
    assert.equal(await page.evaluate(() => window.__flowmap?.cy?.elements('.cmp-same').length), 0);
    assert.deepEqual(w.errors.splice(0), ['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(w.csp, []);
  });
});
