/**
 * The compare bar over the map: the two windows (FROM..TO, as `flowmap diff` takes them), the
 * threshold, a quick preset, Compare and Clear. The API checks the values; its 400 message is shown.
 */
import type { MetaResponse } from '../../../src/api/types.js';
import { h } from '../dom.js';
import type { ViewState } from '../state.js';

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/:00\.000Z$/, 'Z');

/**
 * "The last hour against the hour before": relative to now while the store is fresh; for an older
 * store, the last whole hour of its data (ending at the hour after its newest record) and the one before.
 */
export function lastHourPreset(meta: MetaResponse | null): { before: string; after: string } {
  const now = meta ? Date.parse(meta.now) : Date.now();
  const last = meta?.stats.lastSeen ? Date.parse(meta.stats.lastSeen) : NaN;
  if (!Number.isFinite(last) || last >= now - HOUR) return { before: '2h..1h', after: '1h..now' };
  const end = Math.ceil(last / HOUR) * HOUR;
  return { before: `${iso(end - 2 * HOUR)}..${iso(end - HOUR)}`, after: `${iso(end - HOUR)}..${iso(end)}` };
}

export type ComparePatch = Pick<ViewState, 'cmpBefore' | 'cmpAfter' | 'cmpThreshold'>;

export class CompareForm {
  readonly el: HTMLFormElement;
  private readonly before = h('input', { size: '36', placeholder: 'before FROM..TO (e.g. 2h..1h)', 'data-testid': 'cmp-before', title: 'Before window: FROM..TO, ISO 8601 or relative' });
  private readonly after = h('input', { size: '36', placeholder: 'after FROM..TO (e.g. 1h..now)', 'data-testid': 'cmp-after', title: 'After window: FROM..TO, ISO 8601 or relative' });
  private readonly threshold = h('input', { type: 'number', min: '1', step: '0.1', placeholder: '2', size: '4', 'data-testid': 'cmp-threshold', title: 'A dependency changed when after/before is at least this, or at most its inverse' });

  constructor(apply: (p: ComparePatch) => void, meta: () => MetaResponse | null) {
    const preset = h('button', { type: 'button', 'data-testid': 'cmp-preset', title: 'The last hour against the hour before' }, 'last hour vs hour before');
    preset.addEventListener('click', () => {
      const p = lastHourPreset(meta());
      this.before.value = p.before;
      this.after.value = p.after;
    });
    const clear = h('button', { type: 'button', 'data-testid': 'cmp-clear', title: 'Leave compare mode' }, 'Clear');
    clear.addEventListener('click', () => apply({ cmpBefore: '', cmpAfter: '', cmpThreshold: '' }));
    this.el = h('form', { class: 'compare-bar', 'data-testid': 'compare-form', autocomplete: 'off' },
      h('span', { class: 'muted' }, 'compare '), this.before, h('span', { class: 'muted' }, ' with '), this.after,
      h('label', { class: 'muted' }, ' threshold ', this.threshold), ' ', preset, ' ',
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'cmp-run' }, 'Compare'), ' ', clear);
    this.el.addEventListener('submit', (ev) => {
      ev.preventDefault();
      apply({ cmpBefore: this.before.value.trim(), cmpAfter: this.after.value.trim(), cmpThreshold: this.threshold.value.trim() });
    });
  }

  show(s: ViewState): void {
    this.before.value = s.cmpBefore;
    this.after.value = s.cmpAfter;
    this.threshold.value = s.cmpThreshold;
  }
}
