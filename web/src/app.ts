/**
 * The page: one view state (in the URL) -> what is fetched and drawn. A change of filters refetches
 * and lays the map out anew; collapsing a group, live data and selections update it in place.
 */
import type { DepGraph, DepsResponse, DiffResponse, EdgeDetail, GraphResponse, HostDetail, LiveEvent, MetaResponse, PlanResponse, TopServicesResponse } from '../../src/api/types.js';
import { ApiFailure, drawnTop, exportParams, filterParams, getJson, graphParams, timeWindow } from './api.js';
import { CompareView } from './compare/view.js';
import { Controls } from './controls.js';
import { DepsView } from './deps-view.js';
import { byId, h } from './dom.js';
import { startLive } from './live.js';
import { buildElements, groupId, nodeId, type EdgeData, type NodeData } from './map/elements.js';
import { renderLegend, renderMeta } from './map/legend.js';
import { Palette } from './map/palette.js';
import { showTooltip } from './map/tooltip.js';
import { MapView, type DrawStats } from './map/view.js';
import { edgePanel } from './panels/edge.js';
import { hostPanel } from './panels/host.js';
import { fetchRates, ratesSection, type RateKey } from './panels/rates.js';
import { graphEdgePanel, nodePanel } from './panels/node.js';
import { edgeSel, parseState, selectedEdge, selectedNode, stateQuery, TABS, TABLES, type Bucket, type EdgeSel, type ViewState } from './state.js';
import { renderExporters } from './views/exporters.js';
import { renderExportLinks, reportHref } from './views/exports.js';
import { renderBusiest } from './views/busiest.js';
import type { Stack } from './views/stack-data.js';
import { renderTopPer } from './views/top-per.js';
import type { BusiestNav } from './views/busiest-kinds.js';
import { PlanView } from './views/plan.js';
import { renderTables } from './views/tables.js';

/** What the e2e tests and the bench read (window.__flowmap). */
export interface TestHooks {
  readonly cy: MapView['cy'];
  graph: DepGraph | null;
  state: ViewState;
  /** Full draws (with layout) and in-place updates so far. */
  draws: number;
  updates: number;
  lastDraw: DrawStats | null;
  /** performance.now() when the last draw finished (laid out and rendered). */
  drawnAt: number;
  /** Requests in flight (graph, panel, tables). */
  busy: number;
  /** performance.now() marks of the last graph load: request sent, answer parsed, elements built. */
  timings: { fetchStart: number; fetchEnd: number; built: number };
  /** The dependency view's answer while the map is dimmed to it. */
  deps: DepsResponse | null;
  /** The Plan tab's map and the plan it draws. */
  readonly planCy: MapView['cy'];
  plan: PlanResponse | null;
  /** Compare mode's answer while the map is coloured by it. */
  diff: DiffResponse | null;
  /** The busiest view's stacked top-N-per-interval chart as drawn. */
  stack: Stack | null;
}

declare global {
  interface Window {
    __flowmap?: TestHooks;
  }
}

export class App implements BusiestNav {
  private state: ViewState;
  private meta: MetaResponse | null = null;
  private graph: DepGraph | null = null;
  /** Node key -> drawn element id (a collapsed member maps to its group). */
  private drawnId = new Map<string, string>();
  private graphQuery = '';
  private collapsedKey = '';
  private graphGen = 0;
  private panelCtl: AbortController | null = null;
  private panelKey = '';
  private tabKey = '';
  private liveBusy = false;
  private livePending = false;
  private readonly palette = new Palette();
  private readonly controls: Controls;
  private readonly map: MapView;
  private readonly deps: DepsView;
  private readonly compare: CompareView;
  private plan: PlanView | null = null;
  readonly hooks: TestHooks;

  constructor() {
    this.state = parseState(location.search);
    this.controls = new Controls({ apply: (p) => this.apply({ ...p, sel: '' }), find: (t) => this.find(t) });
    const tooltip = byId('tooltip');
    this.map = new MapView(byId('cy'), {
      select: (t) => this.onMapSelect(t),
      toggleGroup: (name) => this.toggleGroup(name),
      hover: (t, at) => showTooltip(tooltip, t, at),
    });
    const map = this.map;
    const planCy = (): MapView['cy'] => this.plan?.map.cy ?? null;
    this.hooks = {
      get cy() {
        return map.cy;
      },
      get planCy() {
        return planCy();
      },
      plan: null,
      graph: null, state: this.state, draws: 0, updates: 0, lastDraw: null, drawnAt: 0, busy: 0, timings: { fetchStart: 0, fetchEnd: 0, built: 0 },
      deps: null,
      diff: null,
      stack: null,
    };
    window.__flowmap = this.hooks;
    this.deps = new DepsView(map, {
      filter: () => filterParams(this.state, this.meta),
      drawnId: (key) => this.drawnId.get(key),
      track: (p) => this.track(p),
      answered: (r) => {
        this.hooks.deps = r;
      },
    });
    this.compare = new CompareView(byId('view-map'), byId('cy'), map, {
      filter: () => filterParams(this.state, this.meta),
      meta: () => this.meta,
      drawnId: (key) => this.drawnId.get(key),
      track: (p) => this.track(p),
      apply: (p) => this.apply(p),
      answered: (d) => {
        this.hooks.diff = d;
      },
    }, this);
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.deps.active) this.deps.clearDeps();
    });
    for (const b of document.querySelectorAll<HTMLButtonElement>('nav.tabs button')) {
      b.addEventListener('click', () => this.apply({ tab: TABS.find((t) => t === b.dataset.tab) ?? 'map' }));
    }
    for (const b of document.querySelectorAll<HTMLButtonElement>('.table-tabs button')) {
      b.addEventListener('click', () => this.apply({ table: TABLES.find((t) => t === b.dataset.table) ?? 'edges', sort: '' }));
    }
    byId('panel-close').addEventListener('click', () => this.apply({ sel: '' }));
    window.addEventListener('popstate', () => {
      this.state = parseState(location.search);
      void this.render();
    });
  }

  async start(): Promise<void> {
    history.replaceState(null, '', `${location.pathname}${stateQuery(this.state)}`);
    // Presets count back from the store's newest record (meta); other windows need no meta, so the
    // map loads meanwhile.
    const early = this.state.range === 'all' || this.state.range === 'custom' ? this.render() : null;
    try {
      this.meta = await getJson<MetaResponse>('/api/v1/meta');
      byId('store').textContent = `${this.meta.store.backend}: ${this.meta.store.display} · ${this.meta.stats.records.toLocaleString('en-US')} records`;
      byId('store').title = `flowmap ${this.meta.version}; data ${this.meta.stats.firstSeen ?? '-'} – ${this.meta.stats.lastSeen ?? '-'}`;
      startLive((ev) => void this.onLive(ev), this.meta.live?.sources ?? null);
    } catch (e) {
      this.controls.showError(`cannot reach the flowmap server: ${e instanceof Error ? e.message : String(e)}`);
    }
    await early;
    await this.render();
    // Service suggestions after the map: the server answers the graph first.
    getJson<TopServicesResponse>('/api/v1/top/services', new URLSearchParams({ limit: '200' })).then(
      (r) => this.controls.setServices(r.rows),
      () => undefined,
    );
  }

  /** A user action: new state, one history entry, redraw what changed. */
  apply(patch: Partial<ViewState>): void {
    const next = { ...this.state, ...patch };
    const q = stateQuery(next);
    if (q !== stateQuery(this.state)) history.pushState(null, '', `${location.pathname}${q}`);
    this.state = next;
    void this.render();
  }

  private async render(): Promise<void> {
    const s = this.state;
    this.hooks.state = s;
    this.controls.show(s);
    for (const b of document.querySelectorAll<HTMLButtonElement>('nav.tabs button')) b.classList.toggle('on', b.dataset.tab === s.tab);
    for (const b of document.querySelectorAll<HTMLButtonElement>('.table-tabs button')) b.classList.toggle('on', b.dataset.table === s.table);
    for (const t of TABS) byId(`view-${t}`).hidden = t !== s.tab;
    if (this.meta) renderExportLinks(byId('exports'), this.meta.formats, exportParams(s, this.meta));
    byId('report-link').setAttribute('href', reportHref(filterParams(s, this.meta)));

    const q = graphParams(s, this.meta).toString();
    if (q !== this.graphQuery) await this.loadGraph(q);
    else if (s.collapsed.join('\n') !== this.collapsedKey) this.redraw(false);
    await this.compare.show(s);
    this.showSelection();
    await this.showTab();
  }

  private async loadGraph(q: string): Promise<void> {
    const gen = ++this.graphGen;
    this.graphQuery = q;
    byId('busy').hidden = false;
    this.hooks.busy++;
    try {
      this.hooks.timings.fetchStart = performance.now();
      const g = await getJson<GraphResponse>('/api/v1/graph', new URLSearchParams(q));
      this.hooks.timings.fetchEnd = performance.now();
      if (gen !== this.graphGen) return;
      this.controls.showError('');
      this.graph = g;
      this.hooks.graph = g;
      this.palette.update(g);
      this.redraw(true);
    } catch (e) {
      if (gen !== this.graphGen) return;
      this.showFailure(e);
      // Nothing drawn for a refused query; the next valid one draws again.
      this.graph = null;
      this.hooks.graph = null;
      this.map.clear();
      byId('meta').replaceChildren();
      byId('legend').replaceChildren();
    } finally {
      this.hooks.busy--;
      if (gen === this.graphGen) byId('busy').hidden = true;
    }
  }

  private showFailure(e: unknown): void {
    if (e instanceof ApiFailure) this.controls.showError(e.message);
    else if (!(e instanceof DOMException && e.name === 'AbortError')) this.controls.showError(e instanceof Error ? e.message : String(e));
  }

  /** Elements from the current graph; `full` lays everything out, otherwise the map is updated in place. */
  private redraw(full: boolean, markNew = false): void {
    const g = this.graph;
    if (!g) return;
    const collapsed = new Set(this.state.collapsed);
    this.collapsedKey = this.state.collapsed.join('\n');
    const els = buildElements(g, collapsed, this.palette);
    this.hooks.timings.built = performance.now();
    this.drawnId = new Map();
    const groupName = new Map(g.groups.map((gr) => [gr.id, gr.name]));
    for (const n of g.nodes) {
      const gname = n.group !== undefined ? groupName.get(n.group) : undefined;
      this.drawnId.set(n.key, gname !== undefined && collapsed.has(gname) ? groupId(gname) : nodeId(n));
    }
    for (const gr of g.groups) if (!this.drawnId.has(gr.name)) this.drawnId.set(gr.name, groupId(gr.name));
    // The summary first: it sets how much height the map gets before the map is fitted.
    renderMeta(byId('meta'), g, timeWindow(this.state, this.meta).text, els.hidden, drawnTop(this.state) !== this.state.top);
    renderLegend(byId('legend'), g, this.palette, {
      names: g.groups.map((gr) => gr.name), collapsed, toggle: (n) => this.toggleGroup(n),
      // Collapse all: one node per application; the shared services stay drawn host by host.
      setAll: (on) => this.apply({ collapsed: on ? g.groups.filter((gr) => !gr.shared).map((gr) => gr.name).sort() : [] }),
    });
    // The application view is placed by one rule, so a collapse or expand redraws it the same way.
    const apps = this.state.groupBy === 'apps';
    if (full || apps) {
      const stats = this.map.draw(els, apps);
      this.hooks.lastDraw = stats;
      // The same answer redrawn (application view) keeps its panel.
      if (full) this.panelKey = '';
    } else this.map.update(els, markNew);
    // A new layout is a new query (the answer was for the old one); in place, the answer still holds.
    if (full) this.deps.drop();
    else this.deps.reapply();
    this.compare.reapply();
    this.controls.setHosts(g);
    // Count the draw once the browser has painted it: the frame after the one Cytoscape draws in.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        this.hooks.drawnAt = performance.now();
        if (full) this.hooks.draws++;
        else this.hooks.updates++;
      }),
    );
  }

  // ---- selection and panels -------------------------------------------------------------

  private onMapSelect(t: { node: NodeData } | { edge: EdgeData } | null): void {
    if (!t) this.apply({ sel: '' });
    else if ('node' in t) this.apply({ sel: `n:${t.node.key}` });
    else this.apply({ sel: edgeSel({ client: t.edge.client, server: t.edge.server, port: t.edge.port, proto: t.edge.proto }) });
  }

  focusNode(key: string): void {
    // A host hidden in a collapsed group: expand the group so the host can be shown.
    const g = this.graph;
    const n = g?.nodes.find((x) => x.key === key && x.kind !== 'other');
    const gname = n?.group !== undefined ? g?.groups.find((gr) => gr.id === n.group)?.name : undefined;
    const collapsed = gname !== undefined && this.state.collapsed.includes(gname) ? this.state.collapsed.filter((c) => c !== gname) : this.state.collapsed;
    this.apply({ tab: 'map', sel: `n:${key}`, collapsed });
  }

  focusEdge(e: EdgeSel): void {
    this.apply({ tab: 'map', sel: edgeSel(e) });
  }

  mapService(service: string): void {
    this.apply({ tab: 'map', service, sel: '' });
  }

  toggleGroup(name: string): void {
    const c = new Set(this.state.collapsed);
    if (c.has(name)) c.delete(name);
    else c.add(name);
    this.apply({ collapsed: [...c].sort() });
  }

  private find(text: string): void {
    const t = text.trim().toLowerCase();
    const g = this.graph;
    if (!t || !g) return;
    const nodes = g.nodes.filter((n) => n.kind !== 'other');
    const hit =
      nodes.find((n) => n.key.toLowerCase() === t || n.addresses.includes(t)) ??
      nodes.find((n) => (n.name ?? n.label).toLowerCase() === t) ??
      nodes.find((n) => n.key.toLowerCase().includes(t) || (n.name ?? n.label).toLowerCase().includes(t));
    if (!hit) {
      this.controls.showError(`no host matching ${JSON.stringify(text)} in the current map`);
      return;
    }
    this.controls.showError('');
    this.focusNode(hit.key);
    const id = this.drawnId.get(hit.key);
    if (id) this.map.focus(id, { zoom: true, mark: true });
  }

  /** The drawn element of the selection (a host in a collapsed group: the group). */
  private selectedElementId(): string | undefined {
    const nk = selectedNode(this.state);
    if (nk !== null) return this.drawnId.get(nk);
    const e = selectedEdge(this.state);
    if (!e) return undefined;
    const c = this.drawnId.get(e.client);
    const s = this.drawnId.get(e.server);
    return c && s ? `E:${c}>${s}>${e.port}/${e.proto}` : undefined;
  }

  private showSelection(): void {
    const s = this.state;
    const panel = byId('panel');
    if (!s.sel) {
      panel.hidden = true;
      this.panelKey = '';
      this.deps.drop();
      this.map.unselect();
      return;
    }
    const id = this.selectedElementId();
    const drawn = id !== undefined && this.map.focus(id);
    const key = `${s.sel}\u0001${s.bucket}\u0001${filterParams(s, this.meta).toString()}`;
    if (key === this.panelKey) return;
    this.panelKey = key;
    this.panelCtl?.abort();
    const ctl = new AbortController();
    this.panelCtl = ctl;
    const body = byId('panel-body');
    panel.hidden = false;
    const note = drawn ? null : h('p', { class: 'note', 'data-testid': 'not-drawn' }, 'Not drawn in the current map (beyond "edges", filtered out, or folded into "other").');
    const width = Math.max(260, panel.clientWidth - 36);
    const nk = selectedNode(s);
    const ek = selectedEdge(s);
    const node = nk !== null ? this.graph?.nodes.find((n) => n.key === nk && n.kind !== 'other') ?? this.graph?.nodes.find((n) => n.key === nk) : undefined;
    const drawnNode = id ? (this.map.cy?.getElementById(id).data() as NodeData | undefined) : undefined;
    if (nk !== null && drawnNode && drawnNode.kind !== 'host' && drawnNode.key === nk) {
      this.deps.drop();
      body.replaceChildren(nodePanel(drawnNode, this.graph as DepGraph, this));
      return;
    }
    if (nk !== null && (node === undefined || node.kind === 'host')) {
      const deps = this.deps.sectionFor(nk, this);
      this.loadPanel(ctl, async () => {
        const [d, rates] = await Promise.all([
          getJson<HostDetail>(`/api/v1/hosts/${encodeURIComponent(nk)}`, filterParams(s, this.meta), ctl.signal),
          this.rates({ kind: 'host', address: nk }, { out: 'sent', in: 'received' }, width, ctl.signal),
        ]);
        return hostPanel(d, this, deps, rates);
      }, note);
      return;
    }
    this.deps.drop();
    if (ek) {
      const drawnEdge = id ? (this.map.cy?.getElementById(id).data() as EdgeData | undefined) : undefined;
      if (drawnEdge && (drawnEdge.clientKind !== 'host' || drawnEdge.serverKind !== 'host' || drawnEdge.parts > 1)) {
        body.replaceChildren(graphEdgePanel(drawnEdge));
        return;
      }
      this.loadPanel(ctl, async () => {
        const q = filterParams(s, this.meta);
        q.set('client', ek.client);
        q.set('server', ek.server);
        q.set('port', String(ek.port));
        q.set('proto', ek.proto);
        const [d, rates] = await Promise.all([
          getJson<EdgeDetail>('/api/v1/edge', q, ctl.signal),
          this.rates({ kind: 'edge', ...ek }, { out: 'client → server', in: 'server → client' }, width, ctl.signal),
        ]);
        return edgePanel(ek, d, this, rates);
      }, note);
      return;
    }
    body.replaceChildren(h('p', { class: 'muted' }, 'Nothing selected.'));
  }

  /** A panel's rates section: the key's /timeseries row under the page's filter and bucket. */
  private async rates(key: RateKey, labels: { out: string; in: string }, width: number, signal: AbortSignal): Promise<HTMLElement> {
    const s = this.state;
    const row = await fetchRates(filterParams(s, this.meta), key, s.bucket, signal);
    return ratesSection(row, { bucket: s.bucket, onBucket: (b: Bucket) => this.apply({ bucket: b }), labels, width });
  }

  /** A request the tests should wait for (hooks.busy). */
  private async track<T>(p: Promise<T>): Promise<T> {
    this.hooks.busy++;
    try {
      return await p;
    } finally {
      this.hooks.busy--;
    }
  }

  private loadPanel(ctl: AbortController, load: () => Promise<HTMLElement>, note: HTMLElement | null): void {
    const body = byId('panel-body');
    body.replaceChildren(h('p', { class: 'muted' }, 'loading…'));
    this.hooks.busy++;
    load().then(
      (el) => {
        if (!ctl.signal.aborted) body.replaceChildren(...(note ? [note] : []), el);
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) body.replaceChildren(h('p', { class: 'error' }, e instanceof Error ? e.message : String(e)));
      },
    ).finally(() => this.hooks.busy--);
  }

  // ---- tabs -----------------------------------------------------------------------------

  private async showTab(force = false): Promise<void> {
    const s = this.state;
    if (s.tab === 'map') {
      this.tabKey = '';
      return;
    }
    if (s.tab === 'plan') {
      // Planning waits for the user's Plan: it is the heaviest question the server answers.
      this.tabKey = '';
      this.plan ??= new PlanView(byId('view-plan'), {
        filter: () => filterParams(this.state, this.meta),
        track: (p) => this.track(p),
        planned: (p) => {
          this.hooks.plan = p;
        },
      }, this);
      return;
    }
    const filter = filterParams(s, this.meta).toString();
    const key =
      s.tab === 'tables' ? `t\u0001${s.table}\u0001${s.sort}\u0001${filter}`
      : s.tab === 'busiest' ? `b\u0001${s.bucket}\u0001${s.stack}\u0001${s.per}\u0001${filter}`
      : `x\u0001${s.sort}`;
    if (key === this.tabKey && !force) return;
    this.tabKey = key;
    this.hooks.busy++;
    try {
      if (s.tab === 'tables') {
        await renderTables(byId('table'), {
          kind: s.table, params: filterParams(s, this.meta), sort: s.sort, nav: this,
          onSort: (sort) => this.apply({ sort }),
          onService: (service) => this.apply({ tab: 'map', service, sel: '' }),
        });
      } else if (s.tab === 'busiest') {
        const params = filterParams(s, this.meta);
        await Promise.all([
          renderBusiest(byId('busiest'), { params, bucket: s.bucket, windowText: timeWindow(s, this.meta).text, nav: this, onBucket: (bucket) => this.apply({ bucket }) }),
          renderTopPer(byId('top-per'), {
            params, kind: s.stack, per: s.per, width: Math.max(400, byId('view-busiest').clientWidth - 40),
            onKind: (stack) => this.apply({ stack }), onPer: (per) => this.apply({ per }),
            drawn: (st) => {
              this.hooks.stack = st;
            },
          }),
        ]);
      } else await renderExporters(byId('exporters'), s.sort, (sort) => this.apply({ sort }));
    } catch (e) {
      this.tabKey = '';
      this.showFailure(e);
    } finally {
      this.hooks.busy--;
    }
  }

  // ---- live -----------------------------------------------------------------------------

  /** New records stored: refetch and update the map in place (no new layout, no reload). */
  private async onLive(_ev: LiveEvent): Promise<void> {
    if (this.liveBusy) {
      this.livePending = true;
      return;
    }
    this.liveBusy = true;
    try {
      do {
        this.livePending = false;
        this.meta = await getJson<MetaResponse>('/api/v1/meta');
        byId('store').textContent = `${this.meta.store.backend}: ${this.meta.store.display} · ${this.meta.stats.records.toLocaleString('en-US')} records`;
        const q = graphParams(this.state, this.meta);
        const gen = this.graphGen;
        const g = await getJson<GraphResponse>('/api/v1/graph', q);
        if (gen !== this.graphGen) continue; // a new query started meanwhile; it draws fresh data
        this.graphQuery = q.toString();
        this.graph = g;
        this.hooks.graph = g;
        this.palette.update(g);
        this.redraw(this.map.cy === null || this.map.cy.nodes().length === 0, true);
        this.panelKey = '';
        this.showSelection();
        if (this.state.tab !== 'map') await this.showTab(true);
      } while (this.livePending);
    } catch {
      // The badge shows connection trouble; the next event tries again.
    } finally {
      this.liveBusy = false;
    }
  }
}
