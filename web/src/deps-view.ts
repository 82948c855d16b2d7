/**
 * The dependency view's state: which host's section is open, the API's answer, and the map dimmed
 * to it. The answer belongs to one host under one filter: another host or filter drops it. Redraws
 * in place (live data, collapsing) reset classes, so the page calls reapply() after them.
 */
import type { DepsResponse } from '../../src/api/types.js';
import { getJson } from './api.js';
import { clearDim, dimExcept } from './map/highlight.js';
import type { MapView } from './map/view.js';
import type { Nav } from './nav.js';
import { DepsSection, type DepsActions, type DepsAsk } from './panels/deps.js';

export interface DepsPage {
  /** The page's filter parameters now. */
  filter(): URLSearchParams;
  /** Drawn element id of a node key (a host inside a collapsed group: the group). */
  drawnId(key: string): string | undefined;
  /** Requests in flight go through here, so tests can wait for them. */
  track<T>(p: Promise<T>): Promise<T>;
  /** The answer shown (null: none), for the test hooks. */
  answered(r: DepsResponse | null): void;
}

export class DepsView implements DepsActions {
  private section: DepsSection | null = null;
  private sectionKey = '';
  private answer: DepsResponse | null = null;

  constructor(private readonly map: MapView, private readonly host: DepsPage) {}

  /** The section for this host's panel: the open one when host and filter are unchanged. */
  sectionFor(target: string, nav: Nav): DepsSection {
    const key = `${target}\u0001${this.host.filter().toString()}`;
    if (this.section && key === this.sectionKey) return this.section;
    this.clearDeps();
    this.section = new DepsSection(target, this, nav);
    this.sectionKey = key;
    return this.section;
  }

  /** The selection moved away from the host (or the panel closed). */
  drop(): void {
    this.clearDeps();
    this.section = null;
    this.sectionKey = '';
  }

  async showDeps(target: string, direction: DepsAsk, depth: number | null): Promise<DepsResponse> {
    const q = this.host.filter();
    q.set('target', target);
    q.set('direction', direction);
    if (depth !== null) q.set('depth', String(depth));
    const r = await this.host.track(getJson<DepsResponse>('/api/v1/deps', q));
    this.answer = r;
    this.host.answered(r);
    this.reapply();
    return r;
  }

  clearDeps(): void {
    this.answer = null;
    this.host.answered(null);
    if (this.map.cy) clearDim(this.map.cy);
    this.section?.cleared();
  }

  get active(): boolean {
    return this.answer !== null;
  }

  /** Dim the map to the answer again (after a redraw). */
  reapply(): void {
    const r = this.answer;
    const cy = this.map.cy;
    if (!r || !cy) return;
    const id = (key: string): string | undefined => this.host.drawnId(key);
    const keep = new Set<string>();
    const targets = new Set<string>();
    for (const t of r.targets) {
      const x = id(t.address);
      if (x) targets.add(x);
    }
    for (const x of [...r.targets, ...r.hosts]) {
      const n = id(x.address);
      if (n) keep.add(n);
    }
    for (const e of r.edges) {
      const c = id(e.client);
      const s = id(e.server);
      if (c && s) keep.add(`E:${c}>${s}>${e.port}/${e.proto}`);
    }
    dimExcept(cy, keep, targets);
  }
}
