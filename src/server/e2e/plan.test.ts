/**
 * The dependency view and the wave plan end to end: the built page served by the real app over a
 * DuckDB store of the lab data centre (6 applications and shared services, named by its config),
 * driven in headless Debian Chromium. What the page lists and draws must equal the API's answer to
 * the same question.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { ApiError, DepGraph, DepsResponse, PlanResponse } from '../../api/types.js';
import { serviceLabel } from '../../graph/model.js';
import { labDcStore, type LabDc } from '../../testing/lab-dc.js';
import { e2eSkip, openPageSession, waitForDraw, waitIdle, type PageSession, type Running, type Watched } from '../../testing/web-harness.js';
import { formatBps } from '../../util/rate.js';

const skip = e2eSkip();

/** Click a drawn node of the main map with the real mouse (centred first so nothing covers it). */
async function clickNode(page: Page, id: string): Promise<void> {
  const at = await page.evaluate((elId) => {
    const cy = window.__flowmap?.cy;
    const ele = cy?.getElementById(elId);
    if (!cy || !ele || ele.empty()) throw new Error(`${elId} is not drawn`);
    cy.stop(true, false);
    cy.zoom(1);
    cy.center(ele);
    const p = ele.renderedPosition();
    const box = (document.getElementById('cy') as HTMLElement).getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, id);
  await page.waitForTimeout(100);
  await page.mouse.click(at.x, at.y);
}

/** Wave -> sorted host addresses, as the plan map draws them (`shared` for the shared container). */
function drawnWaves(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const cy = window.__flowmap?.planCy;
    if (!cy) throw new Error('no plan map');
    const out: Record<string, string[]> = {};
    cy.nodes('[kind = "wave"], [kind = "shared"]').forEach((c) => {
      const key = c.data('kind') === 'shared' ? 'shared' : String(c.data('wave') as number);
      out[key] = c.children().map((n) => n.data('address') as string).sort();
    });
    return out;
  });
}

/** The same from the API's plan. */
function apiWaves(plan: PlanResponse): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const w of plan.waves) out[String(w.wave)] = w.hosts.map((x) => x.address).sort();
  if (plan.shared.length) out.shared = plan.shared.map((x) => x.address).sort();
  return out;
}

describe('dependency view and wave plan (headless Chromium, lab data centre)', { skip }, () => {
  let s: PageSession;
  let dc: LabDc;
  let app: Running;
  let w: Watched;
  let page: Page;
  const api = <T>(path: string): Promise<{ status: number; body: T }> => s.api<T>(path);
  const shot = (name: string): Promise<Buffer> => s.shot(name);
  /** Press Plan and wait for the answer (drawn, or refused). */
  const plan = async (): Promise<void> => {
    await page.click('[data-testid=plan-run]');
    await waitIdle(page);
  };

  before(async () => {
    s = await openPageSession('web-plan', (dir) => (dc = labDcStore(dir, 6)));
    ({ app, w, page } = s);
  });

  after(() => s?.close());

  test('"depended on by", depth 2: the panel lists the API\'s hosts by distance and the map dims the rest', async () => {
    await page.goto(`${app.url}/`);
    await waitForDraw(page);
    const db = dc.truth.apps[2].databases[0];
    await clickNode(page, `N:host:${db}`);
    await page.waitForSelector('[data-testid=host-detail] [data-testid=deps]');
    await waitIdle(page);
    await page.selectOption('[data-testid=deps-depth]', '2');
    await page.click('[data-testid=deps-up]');
    await page.waitForSelector('[data-testid=deps-summary]');
    await waitIdle(page);
    await shot('01-deps-up');

    const { body: r } = await api<DepsResponse>(`/api/v1/deps?target=${db}&direction=up&depth=2`);
    assert.ok(r.hosts.some((x) => x.distance === 2), 'depth 2 reaches past the direct clients');
    // The panel: every host of the answer once, under its distance, named as the API names it.
    const listed = await page.$$eval('[data-testid=deps-distance]', (sections) =>
      sections.flatMap((s) =>
        [...s.querySelectorAll('tbody tr')].map((tr) => {
          const td = [...tr.querySelectorAll('td')].map((c) => c.textContent ?? '');
          return `${td[1]} ${td[0]} ${s.getAttribute('data-distance')}/${td[3]}`;
        }),
      ),
    );
    assert.deepEqual(listed.sort(), r.hosts.map((x) => `${x.address} ${x.name ?? x.address} ${x.distance}/${x.distance}`).sort());
    const distances = await page.$$eval('[data-testid=deps-distance]', (s) => s.map((x) => Number(x.getAttribute('data-distance'))));
    assert.deepEqual(distances, [...distances].sort((a, b) => a - b), 'nearest first');

    // The map: exactly the target, the answer's hosts and its dependencies stay; the rest is faded.
    const map = await page.evaluate(() => {
      const cy = window.__flowmap?.cy;
      if (!cy) throw new Error('no map');
      const kept = cy.nodes('[kind = "host"]').filter((n) => !n.hasClass('faded')).map((n) => n.data('key') as string);
      const keptEdges = cy.edges().filter((e) => !e.hasClass('faded')).map((e) => `${e.data('client')}>${e.data('server')} ${e.data('port')}/${e.data('proto')}`);
      const faded = cy.nodes('.faded');
      return { kept, keptEdges, faded: faded.length, opacity: faded.nonempty() ? Number(faded[0].style('opacity')) : null, target: cy.nodes('.dep-target').map((n) => n.data('key') as string) };
    });
    assert.deepEqual(map.kept.sort(), [db, ...r.hosts.map((x) => x.address)].sort());
    assert.deepEqual(map.keptEdges.sort(), r.edges.map((e) => `${e.client}>${e.server} ${e.port}/${e.proto}`).sort());
    assert.ok(map.faded > 0 && map.opacity !== null && map.opacity < 0.5, `others are dimmed: ${JSON.stringify(map)}`);
    assert.deepEqual(map.target, [db]);

    // Escape restores the map and clears the list.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => window.__flowmap?.cy?.elements('.faded').length === 0);
    assert.equal(await page.textContent('[data-testid=deps-result]'), '');
  });

  test('"depends on", all depths, from a web host: the same as the API, and the clear button undims', async () => {
    const web = dc.truth.apps[0].tiers.web[0];
    await clickNode(page, `N:host:${web}`);
    await page.waitForSelector('[data-testid=host-detail] [data-testid=deps]');
    await waitIdle(page);
    await page.selectOption('[data-testid=deps-depth]', 'all');
    await page.click('[data-testid=deps-down]');
    await page.waitForSelector('[data-testid=deps-summary]');
    await waitIdle(page);
    const { body: r } = await api<DepsResponse>(`/api/v1/deps?target=${web}&direction=down`);
    const rows = await page.$$eval('[data-testid=deps-hosts] tbody tr', (trs) => trs.map((tr) => `${tr.querySelectorAll('td')[1]?.textContent} ${tr.querySelectorAll('td')[3]?.textContent}`));
    assert.deepEqual(rows.sort(), r.hosts.map((x) => `${x.address} ${x.distance}`).sort());
    assert.ok(r.hosts.some((x) => x.distance >= 2));
    assert.ok(((await page.evaluate(() => window.__flowmap?.cy?.nodes('.faded').length)) ?? 0) > 0, 'the map is dimmed');
    await page.click('[data-testid=deps-clear]');
    await page.waitForFunction(() => window.__flowmap?.cy?.elements('.faded').length === 0);
    assert.equal(await page.evaluate(() => window.__flowmap?.deps), null);
  });

  test('group by application: the map draws the API\'s application clusters and the shared services as containers', async () => {
    await page.goto(`${app.url}/?groupBy=apps`);
    await waitForDraw(page);
    await waitIdle(page);
    await shot('00-applications');
    const { body: g } = await api<DepGraph>('/api/v1/graph?groupBy=host&clusters=apps&top=500');
    const keyOf = new Map(g.nodes.map((n) => [n.id, n.key]));
    const want = g.groups.map((c) => `${c.name}: ${c.members.map((m) => keyOf.get(m)).sort().join(' ')}`).sort();
    const drawn = await page.evaluate(() => {
      const cy = window.__flowmap?.cy;
      if (!cy) return [];
      return cy.nodes(':parent').map((p) => `${String(p.id()).slice(2)}: ${p.children().map((n) => n.data('key') as string).sort().join(' ')}`).sort();
    });
    assert.deepEqual(drawn, want);
    assert.equal(g.groups.length, dc.truth.apps.length + 1);
    assert.ok(want.some((x) => x.startsWith('shared services: ')));
  });

  test('the plan: 6 waves and the shared services as containers holding the API\'s hosts; lists equal the API', async () => {
    await page.click('nav.tabs button[data-tab=plan]');
    await page.waitForSelector('[data-testid=plan-form]');
    await page.fill('[data-testid=plan-waves]', '6');
    await plan();
    await shot('02-plan');
    const { status, body: p } = await api<PlanResponse>('/api/v1/plan?waves=6&shared=auto');
    assert.equal(status, 200);
    assert.equal(p.waves.length, 6);
    const drawn = await drawnWaves(page);
    assert.equal(Object.keys(drawn).length, 7, 'six waves and the shared container');
    assert.deepEqual(drawn, apiWaves(p));
    // Shared services are the lab's shared servers and clients.
    assert.deepEqual(drawn.shared, [...dc.truth.sharedServers, ...dc.truth.sharedClients].sort());
    // Edges: every cross dependency once; the rest drawn only inside one wave.
    const edges = await page.evaluate(() => {
      const cy = window.__flowmap?.planCy;
      if (!cy) throw new Error('no plan map');
      const key = (e: import('cytoscape').EdgeSingular): string => `${e.data('client')}>${e.data('server')} ${e.data('port')}/${e.data('proto')}`;
      return {
        cross: cy.edges().filter((e) => !e.data('inside')).map(key),
        insideSplit: cy.edges('[?inside]').filter((e) => e.source().data('parent') !== e.target().data('parent')).length,
        inside: cy.edges('[?inside]').length,
      };
    });
    assert.deepEqual(edges.cross.sort(), [...new Set(p.waves.flatMap((wv) => wv.cross.map((e) => `${e.client}>${e.server} ${e.port}/${e.proto}`)))].sort());
    assert.ok(edges.inside > 0);
    assert.equal(edges.insideSplit, 0);

    for (const wave of p.waves) {
      const sel = `[data-testid=wave-list][data-wave="${wave.wave}"]`;
      assert.equal(await page.textContent(`${sel} [data-testid=cross-count]`), String(wave.cross.length));
      const rows = await page.$$eval(`${sel} [data-testid=wave-cross] tbody tr`, (trs) =>
        trs.map((tr) => {
          const td = [...tr.querySelectorAll('td')];
          return `${td[0].querySelector('button')?.title}>${td[1].querySelector('button')?.title} ${td[2].textContent} ${td[3].textContent} ${td[4].querySelector('.bytes')?.getAttribute('data-bytes')} ${td[5].textContent}`;
        }),
      );
      const want = wave.cross.map((e) => `${e.client}>${e.server} ${serviceLabel(e)} ${e.other_wave ?? 'shared'} ${e.bytes} ${e.p95_bps === null ? '-' : formatBps(e.p95_bps)}`);
      assert.deepEqual(rows.sort(), want.sort());
      assert.equal(await page.getAttribute(`${sel} [data-testid=wave-summary] .bytes >> nth=1`, 'data-bytes'), String(wave.bytes_cross));
    }
    assert.ok(p.waves.some((wv) => wv.cross.some((e) => e.p95_bps !== null)), 'rates are shown');
    assert.match((await page.textContent('[data-testid=wave-cross] .rate')) ?? '', /^\d+(\.\d+)? (bit|kbit|Mbit)\/s$/);

    // The cut and the baseline.
    assert.equal(await page.textContent('[data-testid=cut-deps]'), p.cut.dependencies.toLocaleString('en-US'));
    assert.equal(await page.getAttribute('[data-testid=plan-cut] > .bytes', 'data-bytes'), String(p.cut.bytes));
    assert.equal(await page.textContent('[data-testid=baseline-deps]'), p.baseline.cut.dependencies.toLocaleString('en-US'));
    assert.equal(await page.getAttribute('[data-testid=baseline-bytes] .bytes', 'data-bytes'), String(p.baseline.cut.bytes));

    // Shared services with their bytes per wave.
    const shared = await page.$$eval('[data-testid=plan-shared] tbody tr', (trs) =>
      trs.map((tr) => {
        const td = [...tr.querySelectorAll('td')];
        const per = [...td[3].querySelectorAll('.wave-bytes')].map((s) => `${s.getAttribute('data-wave')}:${s.querySelector('.bytes')?.getAttribute('data-bytes')}`);
        return `${td[0].querySelector('button')?.title} ${td[1].textContent} ${per.join(',')}`;
      }),
    );
    assert.deepEqual(shared.sort(), p.shared.map((s) => `${s.address} ${s.role} ${s.per_wave.map((x) => `${x.wave}:${x.bytes}`).join(',')}`).sort());
  });

  test('report links: the plan\'s downloads the report of that plan, the header\'s the report of the page\'s filters', async () => {
    const { body: p } = await api<PlanResponse>('/api/v1/plan?waves=6&shared=auto');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=plan-report]')]);
    assert.equal(dl.suggestedFilename(), 'flowmap-report.html');
    const html = readFileSync(await dl.path(), 'utf8');
    for (const wave of p.waves) {
      const table = new RegExp(`<table id="cross-${wave.wave}">[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
      const values = [...table.matchAll(/data-v="([^"]+)"/g)].map((m) => Number(m[1]));
      assert.deepEqual(values, wave.cross.flatMap((e) => [e.bytes, e.p95_bps]), `wave ${wave.wave}`);
    }
    const href = (await page.getAttribute('#report-link', 'href')) ?? '';
    assert.match(href, /^\/api\/v1\/report(\?|$)/);
    const [whole] = await Promise.all([page.waitForEvent('download'), page.click('#report-link')]);
    const plain = readFileSync(await whole.path(), 'utf8');
    assert.ok(plain.includes('<section id="map">') && !plain.includes('<section id="waves">'), 'no waves without a plan');
    assert.deepEqual(w.errors, []);
  });

  test('an "apart" constraint between two hosts of one wave puts them in different containers', async () => {
    const { body: before } = await api<PlanResponse>('/api/v1/plan?waves=6&shared=auto');
    const [a, b] = before.waves[0].hosts.map((x) => x.address);
    await page.click('[data-testid=add-apart]');
    await page.fill('[data-testid=apart-row] >> nth=-1 >> [data-testid=apart-a]', a);
    await page.fill('[data-testid=apart-row] >> nth=-1 >> [data-testid=apart-b]', b);
    await plan();
    await shot('03-apart');
    const { status, body: p } = await api<PlanResponse>(`/api/v1/plan?waves=6&shared=auto&apart=${a},${b}`);
    assert.equal(status, 200);
    assert.deepEqual(await drawnWaves(page), apiWaves(p));
    const parents = await page.evaluate(([x, y]) => {
      const cy = window.__flowmap?.planCy;
      return [cy?.getElementById(`P:${x}`).data('parent') as string, cy?.getElementById(`P:${y}`).data('parent') as string];
    }, [a, b]);
    assert.ok(parents[0] && parents[1] && parents[0] !== parents[1], `${a} and ${b} in different waves: ${parents.join(' ')}`);
    assert.equal(await page.textContent('[data-testid=plan-error]'), '');
  });

  test('impossible constraints (together and apart on the same pair) show the API\'s message', async () => {
    const a = await page.inputValue('[data-testid=apart-row] >> nth=-1 >> [data-testid=apart-a]');
    const b = await page.inputValue('[data-testid=apart-row] >> nth=-1 >> [data-testid=apart-b]');
    await page.click('[data-testid=add-together]');
    await page.fill('[data-testid=together-row] >> nth=-1 >> [data-testid=together-hosts]', `${a}, ${b}`);
    await plan();
    await shot('04-conflict');
    const { status, body } = await api<ApiError>(`/api/v1/plan?waves=6&shared=auto&together=${a},${b}&apart=${a},${b}`);
    assert.equal(status, 400);
    assert.match(body.error, /^constraints conflict: /);
    assert.equal(await page.textContent('[data-testid=plan-error]'), body.error);
    // The browser logs the refused request itself; nothing else went wrong.
    assert.deepEqual(w.errors.splice(0), ['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    // No stale plan next to the refusal.
    assert.equal(await page.evaluate(() => window.__flowmap?.planCy?.nodes().length), 0);
    assert.equal(await page.evaluate(() => window.__flowmap?.plan), null);
    // Removing the constraint plans again.
    await page.click('[data-testid=together-row] >> nth=-1 >> [data-testid=remove]');
    await plan();
    assert.equal(await page.textContent('[data-testid=plan-error]'), '');
    assert.equal(Object.keys(await drawnWaves(page)).length, 7);
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.csp, []);
  });
});
