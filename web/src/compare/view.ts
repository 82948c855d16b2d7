/**
 * Compare mode's state: the windows in the view state -> /api/v1/diff under the page's filter (its
 * since/until give way to the windows), the map coloured by the answer and the lists beside it.
 * Redraws reset classes and extra elements, so the page calls reapply() after them.
 */
import type { DiffResponse, MetaResponse } from '../../../src/api/types.js';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { applyDiff, clearDiff } from '../map/diff-overlay.js';
import type { MapView } from '../map/view.js';
import type { Nav } from '../nav.js';
import type { ViewState } from '../state.js';
import { CompareForm, type ComparePatch } from './form.js';
import { renderDiffLists } from './lists.js';

export interface ComparePage {
  filter(): URLSearchParams;
  meta(): MetaResponse | null;
  drawnId(key: string): string | undefined;
  track<T>(p: Promise<T>): Promise<T>;
  apply(p: ComparePatch): void;
  /** The answer drawn (null: none), for the test hooks. */
  answered(d: DiffResponse | null): void;
}

export class CompareView {
  readonly form: CompareForm;
  private readonly panel = h('aside', { class: 'compare-panel', 'data-testid': 'compare-panel', hidden: '' });
  private readonly lists = h('div');
  private readonly error = h('output', { class: 'error', role: 'alert', 'data-testid': 'cmp-error' });
  private answer: DiffResponse | null = null;
  private key = '';
  private gen = 0;

  /** `into`: the map view; the bar goes above the map, the panel over its left side. */
  constructor(into: HTMLElement, before: HTMLElement, private readonly map: MapView, private readonly page: ComparePage, private readonly nav: Nav) {
    this.form = new CompareForm((p) => page.apply(p), () => page.meta());
    this.panel.append(this.error, this.lists);
    into.insertBefore(this.form.el, before);
    into.append(this.panel);
  }

  get active(): boolean {
    return this.answer !== null;
  }

  /** The view state changed: ask again when the windows, threshold or filter did. */
  async show(s: ViewState): Promise<void> {
    this.form.show(s);
    const on = s.cmpBefore !== '' && s.cmpAfter !== '';
    const q = this.page.filter();
    q.delete('since');
    q.delete('until');
    if (on) {
      q.set('before', s.cmpBefore);
      q.set('after', s.cmpAfter);
      if (s.cmpThreshold !== '') q.set('threshold', s.cmpThreshold);
    }
    const key = on ? q.toString() : '';
    if (key === this.key) return;
    this.key = key;
    const gen = ++this.gen;
    if (!on) {
      this.drop();
      return;
    }
    try {
      const d = await this.page.track(getJson<DiffResponse>('/api/v1/diff', q));
      if (gen !== this.gen) return;
      this.answer = d;
      this.error.textContent = '';
      renderDiffLists(this.lists, d, this.nav);
      this.panel.hidden = false;
      this.reapply();
      this.page.answered(d);
    } catch (e) {
      if (gen !== this.gen) return;
      this.drop();
      this.panel.hidden = false;
      this.error.textContent = e instanceof Error ? e.message : String(e);
    }
  }

  /** Colour the map by the answer again (after a redraw). */
  reapply(): void {
    const cy = this.map.cy;
    if (this.answer && cy) applyDiff(cy, this.answer, (k) => this.page.drawnId(k));
  }

  private drop(): void {
    this.answer = null;
    this.page.answered(null);
    if (this.map.cy) clearDiff(this.map.cy);
    this.lists.replaceChildren();
    this.error.textContent = '';
    this.panel.hidden = true;
  }
}
