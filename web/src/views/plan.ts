/**
 * The Plan tab: the form, then /api/v1/plan with the page's filter and the form's parameters, drawn
 * as waves on their own map and listed below. A refused plan (bad value, conflicting constraints)
 * shows the API's message and nothing else, so no stale plan is mistaken for the answer.
 */
import type { EdgeRow, PlanResponse, TopResponse } from '../../../src/api/types.js';
import { getJson, MAX_DRAWN_EDGES } from '../api.js';
import { h } from '../dom.js';
import type { Nav } from '../nav.js';
import { reportHref } from './exports.js';
import { PlanForm } from './plan-form.js';
import { renderPlanLists } from './plan-lists.js';
import { PlanMap } from './plan-map.js';

export interface PlanPage {
  filter(): URLSearchParams;
  track<T>(p: Promise<T>): Promise<T>;
  /** The plan shown (null: none), for the test hooks. */
  planned(p: PlanResponse | null): void;
}

export class PlanView {
  readonly form: PlanForm;
  readonly map: PlanMap;
  private readonly error = h('output', { class: 'error', role: 'alert', 'data-testid': 'plan-error' });
  private readonly lists = h('div', { class: 'plan-lists', 'data-testid': 'plan-lists' });
  private readonly status = h('span', { class: 'muted', 'data-testid': 'plan-status' }, 'Set the waves and press Plan.');
  private gen = 0;

  constructor(into: HTMLElement, private readonly page: PlanPage, private readonly nav: Nav) {
    this.form = new PlanForm(() => void this.run());
    const cy = h('div', { class: 'plan-cy', id: 'plan-cy', 'data-testid': 'plan-map' });
    this.map = new PlanMap(cy, (address) => nav.focusNode(address));
    into.replaceChildren(this.form.el, h('div', { class: 'plan-status' }, this.status, this.error), cy, this.lists);
  }

  async run(): Promise<void> {
    const gen = ++this.gen;
    const q = this.page.filter();
    for (const [k, v] of this.form.params()) q.append(k, v);
    this.status.textContent = 'planning…';
    try {
      // The dependencies inside each wave come from the same filter's top edges (drawn, not listed).
      const top = this.page.filter();
      top.set('limit', String(MAX_DRAWN_EDGES));
      const [plan, edges] = await this.page.track(
        Promise.all([getJson<PlanResponse>('/api/v1/plan', q), getJson<TopResponse<EdgeRow>>('/api/v1/top/edges', top).then((r) => r.rows, () => [])]),
      );
      if (gen !== this.gen) return;
      this.error.textContent = '';
      this.status.replaceChildren(
        `${plan.waves.length} waves, ${plan.shared.length} shared services. Double-click a host to show it on the map. `,
        h('a', { href: reportHref(q), download: '', 'data-testid': 'plan-report', title: 'The migration report of this plan (HTML, prints to PDF)' }, 'Report of this plan'),
      );
      this.map.draw(plan, edges);
      renderPlanLists(this.lists, plan, this.nav);
      this.page.planned(plan);
    } catch (e) {
      if (gen !== this.gen) return;
      this.status.textContent = '';
      this.error.textContent = e instanceof Error ? e.message : String(e);
      this.map.clear();
      this.lists.replaceChildren();
      this.page.planned(null);
    }
  }
}
