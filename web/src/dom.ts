/**
 * Small DOM helpers. Text (anything that may come from the network) only ever goes in through
 * textContent and attribute values through setAttribute: never innerHTML.
 */
import { formatBytes } from '../../src/util/bytes.js';

type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el as T;
}

/** Human bytes (the CLI's SI formatter) with the exact count in the tooltip. */
export function bytesEl(n: number): HTMLSpanElement {
  return h('span', { class: 'bytes', title: `${n.toLocaleString('en-US')} bytes`, 'data-bytes': String(n) }, formatBytes(n));
}

export function num(n: number): string {
  return n.toLocaleString('en-US');
}

/** `2026-01-15 10:00:00` (UTC) from an ISO time. */
export function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '-';
}

/** A panel's totals: label, value and test id per row, as a definition list. */
export function totalsList(rows: ReadonlyArray<[label: string, value: Node | string, testId: string]>): HTMLDListElement {
  const dl = h('dl', { class: 'totals', 'data-testid': 'totals' });
  for (const [k, v, testId] of rows) dl.append(h('dt', {}, k), h('dd', { 'data-testid': testId }, v));
  return dl;
}

/** A button that looks like a link and takes the user to the map. */
export function linkButton(text: string, title: string, onClick: () => void, testId?: string): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'link', title, ...(testId ? { 'data-testid': testId } : {}) }, text);
  b.addEventListener('click', onClick);
  return b;
}
