/** The filter bar: state -> inputs, inputs -> state, presets, suggestions for services and hosts. */
import type { DepGraph, ServiceRow } from '../../src/api/types.js';
import { serviceLabel } from '../../src/graph/model.js';
import { parseService } from './api.js';
import { byId, h } from './dom.js';
import { DEFAULT_TOP, PRESETS, type ViewState } from './state.js';

const input = (id: string): HTMLInputElement => byId<HTMLInputElement>(id);

/** datetime-local shows `YYYY-MM-DDTHH:MM:SS` (taken as UTC here); the state holds ISO with `Z`. */
const toLocalInput = (iso: string): string => (iso ? iso.replace(/(\.\d+)?Z$/, '').slice(0, 19) : '');
const fromLocalInput = (v: string): string => (v ? `${v.length === 16 ? `${v}:00` : v}Z` : '');

export interface ControlEvents {
  /** The user applied new filters (form submit or a preset). */
  apply(patch: Partial<ViewState>): void;
  /** The user picked a host from the search box. */
  find(text: string): void;
}

export class Controls {
  private readonly form = byId<HTMLFormElement>('controls');
  private readonly error = byId<HTMLOutputElement>('error');
  private range: ViewState['range'] = 'all';

  constructor(private readonly events: ControlEvents) {
    const presets = byId('presets');
    for (const p of PRESETS) {
      const b = h('button', { type: 'button', 'data-range': p }, p);
      b.addEventListener('click', () => events.apply({ range: p, from: '', to: '' }));
      presets.append(b);
    }
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const patch = this.read();
      if (patch) events.apply(patch);
    });
    byId<HTMLSelectElement>('groupBy').addEventListener('change', () => {
      const patch = this.read();
      if (patch) events.apply(patch);
    });
    const search = input('search');
    search.addEventListener('change', () => events.find(search.value));
    search.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        events.find(search.value);
      }
    });
  }

  show(s: ViewState): void {
    this.range = s.range;
    for (const b of byId('presets').querySelectorAll('button')) b.classList.toggle('on', b.dataset.range === s.range);
    input('from').value = toLocalInput(s.from);
    input('to').value = toLocalInput(s.to);
    input('subnet').value = s.subnet;
    input('exclude').value = s.exclude;
    input('service').value = s.service;
    input('minBytes').value = s.minBytes;
    const gb = byId<HTMLSelectElement>('groupBy');
    if (![...gb.options].some((o) => o.value === s.groupBy)) gb.append(h('option', { value: s.groupBy }, s.groupBy));
    gb.value = s.groupBy;
    input('top').value = String(s.top);
  }

  /** The form as a state patch; null (with a message) when a field is malformed before asking the API. */
  read(): Partial<ViewState> | null {
    const from = fromLocalInput(input('from').value);
    const to = fromLocalInput(input('to').value);
    const service = input('service').value.trim();
    const topText = input('top').value.trim();
    if (service !== '' && !parseService(service)) {
      this.showError(`service: ${JSON.stringify(service)} is not a port or port/proto (e.g. 443 or 53/udp)`);
      return null;
    }
    if (topText !== '' && !/^\d{1,7}$/.test(topText)) {
      this.showError(`edges: ${JSON.stringify(topText)} is not a whole number (0 = all)`);
      return null;
    }
    // Typing a from/to switches to the custom window; clearing both goes back to the preset.
    const custom = from !== '' || to !== '';
    return {
      range: custom ? 'custom' : this.range === 'custom' ? 'all' : this.range,
      from, to,
      subnet: input('subnet').value.trim(),
      exclude: input('exclude').value.trim(),
      service,
      minBytes: input('minBytes').value.trim(),
      groupBy: byId<HTMLSelectElement>('groupBy').value,
      top: topText === '' ? DEFAULT_TOP : Number(topText),
    };
  }

  showError(text: string): void {
    this.error.textContent = text;
    this.error.hidden = text === '';
  }

  /** Service suggestions from /top/services: `443/tcp` with the service name as the label. */
  setServices(rows: readonly ServiceRow[]): void {
    byId('services').replaceChildren(...rows.map((r) => h('option', { value: `${r.port}/${r.proto}`, label: serviceLabel(r) })));
  }

  /** Host suggestions from the drawn graph: addresses, with names as labels, and the names. */
  setHosts(g: DepGraph): void {
    const opts: HTMLOptionElement[] = [];
    for (const n of g.nodes) {
      if (n.kind === 'other') continue;
      opts.push(h('option', { value: n.key, label: n.label !== n.key ? n.label : undefined }));
      if (n.name !== undefined) opts.push(h('option', { value: n.name, label: n.key }));
      if (opts.length > 4000) break;
    }
    byId('hosts').replaceChildren(...opts);
  }
}
