/**
 * The plan view's form: waves, max hosts, shared services, and the constraints (pins, together,
 * apart) as rows the user adds and removes. It reads into /api/v1/plan's parameters; the API
 * validates them, so its 400 message is what the user sees for a bad value.
 */
import { h } from '../dom.js';

/** Host inputs suggest from the map's host list (controls.ts fills #hosts). */
const hostInput = (placeholder: string, testId: string): HTMLInputElement =>
  h('input', { list: 'hosts', placeholder, size: '18', 'data-testid': testId, autocomplete: 'off' });

const words = (text: string): string[] => text.split(/[\s,]+/).filter((x) => x !== '');

type Kind = 'pin' | 'together' | 'apart';

/** A constraint row: its inputs and how they read into one parameter value (null: left empty). */
interface Row {
  el: HTMLElement;
  value(): string | null;
}

export class PlanForm {
  readonly el: HTMLFormElement;
  private readonly waves = h('input', { type: 'number', min: '1', step: '1', value: '4', size: '4', 'data-testid': 'plan-waves', title: 'Number of waves' });
  private readonly maxHosts = h('input', { type: 'number', min: '1', step: '1', size: '4', placeholder: 'auto', 'data-testid': 'plan-max-hosts', title: 'Most hosts per wave (empty: even split)' });
  private readonly shared = h('select', { 'data-testid': 'plan-shared' }, h('option', { value: 'auto' }, 'auto'), h('option', { value: 'none' }, 'none'), h('option', { value: 'list' }, 'these:'));
  private readonly sharedList = hostInput('dns1, 10.0.0.53', 'plan-shared-list');
  private readonly rows: Record<Kind, Row[]> = { pin: [], together: [], apart: [] };
  private readonly lists: Record<Kind, HTMLElement> = {
    pin: h('div', { class: 'rows', 'data-testid': 'pin-rows' }),
    together: h('div', { class: 'rows', 'data-testid': 'together-rows' }),
    apart: h('div', { class: 'rows', 'data-testid': 'apart-rows' }),
  };

  constructor(onPlan: () => void) {
    this.sharedList.removeAttribute('list'); // a list of hosts, not one
    this.sharedList.disabled = true;
    this.shared.addEventListener('change', () => {
      this.sharedList.disabled = this.shared.value !== 'list';
    });
    const add = (kind: Kind, text: string, title: string): HTMLButtonElement => {
      const b = h('button', { type: 'button', 'data-testid': `add-${kind}`, title }, text);
      b.addEventListener('click', () => this.addRow(kind));
      return b;
    };
    this.el = h(
      'form', { class: 'plan-form', 'data-testid': 'plan-form', autocomplete: 'off' },
      h('div', { class: 'plan-fields' },
        h('label', {}, 'waves ', this.waves),
        h('label', {}, 'max hosts per wave ', this.maxHosts),
        h('label', {}, 'shared services ', this.shared, ' ', this.sharedList),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'plan-run' }, 'Plan')),
      h('div', { class: 'plan-constraints' },
        h('fieldset', {}, h('legend', {}, 'pin host to wave'), this.lists.pin, add('pin', '+ pin', 'This host moves in this wave')),
        h('fieldset', {}, h('legend', {}, 'move together'), this.lists.together, add('together', '+ together', 'These hosts move in the same wave')),
        h('fieldset', {}, h('legend', {}, 'keep apart'), this.lists.apart, add('apart', '+ apart', 'These two hosts move in different waves'))),
    );
    this.el.addEventListener('submit', (ev) => {
      ev.preventDefault();
      onPlan();
    });
  }

  /** A new empty row of this kind; returns its inputs (the tests fill them). */
  addRow(kind: Kind): HTMLInputElement[] {
    let inputs: HTMLInputElement[];
    let value: () => string | null;
    if (kind === 'pin') {
      const host = hostInput('host', 'pin-host');
      const wave = h('input', { type: 'number', min: '1', step: '1', size: '3', placeholder: 'wave', 'data-testid': 'pin-wave' });
      inputs = [host, wave];
      value = () => (host.value.trim() && wave.value.trim() ? `${host.value.trim()}=${wave.value.trim()}` : null);
    } else if (kind === 'together') {
      const hosts = h('input', { placeholder: 'host, host, …', size: '30', 'data-testid': 'together-hosts' });
      inputs = [hosts];
      value = () => (words(hosts.value).length ? words(hosts.value).join(',') : null);
    } else {
      const a = hostInput('host', 'apart-a');
      const b = hostInput('host', 'apart-b');
      inputs = [a, b];
      value = () => (a.value.trim() || b.value.trim() ? `${a.value.trim()},${b.value.trim()}` : null);
    }
    const remove = h('button', { type: 'button', class: 'remove', title: 'Remove this constraint', 'data-testid': 'remove' }, '×');
    const el = h('div', { class: 'row', 'data-testid': `${kind}-row` }, ...inputs, remove);
    const row: Row = { el, value };
    remove.addEventListener('click', () => {
      this.rows[kind] = this.rows[kind].filter((r) => r !== row);
      el.remove();
    });
    this.rows[kind].push(row);
    this.lists[kind].append(el);
    return inputs;
  }

  /** The form as /api/v1/plan parameters (without the page's filter). */
  params(): URLSearchParams {
    const q = new URLSearchParams();
    q.set('waves', this.waves.value.trim());
    if (this.maxHosts.value.trim() !== '') q.set('maxHosts', this.maxHosts.value.trim());
    if (this.shared.value === 'list') q.set('shared', words(this.sharedList.value).join(','));
    else q.set('shared', this.shared.value);
    for (const kind of ['pin', 'together', 'apart'] as const) {
      for (const r of this.rows[kind]) {
        const v = r.value();
        if (v !== null) q.append(kind, v);
      }
    }
    return q;
  }
}
