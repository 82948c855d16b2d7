/**
 * The dependency view's part of a host panel: "depends on" / "depended on by" with a depth, and the
 * answer's hosts by distance. The page (DepsActions) asks the API and dims the map; this section only
 * shows what it is handed. Names come from the network: text nodes only (dom.ts).
 */
import type { DepsHost, DepsResponse } from '../../../src/api/types.js';
import { h, linkButton, num } from '../dom.js';
import type { Nav } from '../nav.js';
import { renderTable, type Col } from '../table.js';

export type DepsAsk = 'down' | 'up';

export interface DepsActions {
  /** Ask /api/v1/deps for this host with the page's filter and dim the map to the answer. */
  showDeps(target: string, direction: DepsAsk, depth: number | null): Promise<DepsResponse>;
  /** Undim the map (the section clears its own list). */
  clearDeps(): void;
}

const DEPTHS = ['1', '2', '3', 'all'] as const;

function hostCols(nav: Nav): Col<DepsHost>[] {
  return [
    { key: 'host', header: 'host', kind: 'text', value: (r) => r.name ?? r.address, cell: (r) => linkButton(r.name ?? r.address, 'Show on the map', () => nav.focusNode(r.address)) },
    { key: 'address', header: 'address', kind: 'text', value: (r) => r.address },
    { key: 'group', header: 'group', kind: 'text', value: (r) => r.group },
    { key: 'distance', header: 'hops', kind: 'number', value: (r) => r.distance },
  ];
}

export class DepsSection {
  readonly el: HTMLElement;
  private readonly result = h('div', { 'data-testid': 'deps-result' });
  private readonly clearButton = h('button', { type: 'button', 'data-testid': 'deps-clear', title: 'Show the whole map again (Escape)' }, 'clear');
  private readonly depth = h('select', { 'data-testid': 'deps-depth', title: 'Hops to follow' }, ...DEPTHS.map((d) => h('option', { value: d }, d)));

  constructor(private readonly target: string, private readonly actions: DepsActions, private readonly nav: Nav) {
    const ask = (direction: DepsAsk, text: string, title: string): HTMLButtonElement => {
      const b = h('button', { type: 'button', 'data-testid': `deps-${direction}`, title }, text);
      b.addEventListener('click', () => void this.run(direction));
      return b;
    };
    this.clearButton.hidden = true;
    this.clearButton.addEventListener('click', () => this.clear());
    this.el = h(
      'div', { class: 'deps', 'data-testid': 'deps' },
      h('h3', {}, 'Dependencies'),
      h('div', { class: 'deps-controls' },
        ask('down', 'depends on', 'What this host calls, directly and through others'),
        ask('up', 'depended on by', 'What calls this host, directly and through others (blast radius)'),
        h('label', {}, 'depth ', this.depth),
        this.clearButton),
      this.result,
    );
  }

  private async run(direction: DepsAsk): Promise<void> {
    const depth = this.depth.value === 'all' ? null : Number(this.depth.value);
    this.result.replaceChildren(h('p', { class: 'muted' }, 'loading…'));
    try {
      this.show(await this.actions.showDeps(this.target, direction, depth));
    } catch (e) {
      this.result.replaceChildren(h('p', { class: 'error', 'data-testid': 'deps-error' }, e instanceof Error ? e.message : String(e)));
    }
  }

  /** The page cleared the view (Escape, a new filter): drop the list. */
  cleared(): void {
    this.result.replaceChildren();
    this.clearButton.hidden = true;
  }

  private clear(): void {
    this.actions.clearDeps();
    this.cleared();
  }

  private show(r: DepsResponse): void {
    const what = r.direction === 'down' ? 'depends on' : r.direction === 'up' ? 'is depended on by' : 'is connected with';
    const depth = r.depth === null ? 'any depth' : `up to ${num(r.depth)} hop${r.depth === 1 ? '' : 's'}`;
    const parts: Node[] = [h('p', { 'data-testid': 'deps-summary' }, `${this.target} ${what} ${num(r.hosts.length)} host${r.hosts.length === 1 ? '' : 's'} (${depth}, ${num(r.edges.length)} dependencies).`)];
    const byDistance = new Map<number, DepsHost[]>();
    for (const x of r.hosts) byDistance.set(x.distance, [...(byDistance.get(x.distance) ?? []), x]);
    const cols = hostCols(this.nav);
    for (const d of [...byDistance.keys()].sort((a, b) => a - b)) {
      const rows = (byDistance.get(d) ?? []).sort((a, b) => (a.name ?? a.address).localeCompare(b.name ?? b.address, 'en', { numeric: true }));
      parts.push(
        h('div', { class: 'deps-hop', 'data-testid': 'deps-distance', 'data-distance': String(d) },
          h('h4', {}, `${num(d)} hop${d === 1 ? '' : 's'} (${num(rows.length)})`),
          renderTable(rows, cols, { testId: 'deps-hosts' })),
      );
    }
    if (!r.hosts.length) parts.push(h('p', { class: 'muted' }, 'Nothing in this window.'));
    this.result.replaceChildren(...parts);
    this.clearButton.hidden = false;
  }
}
