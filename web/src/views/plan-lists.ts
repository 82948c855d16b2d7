/**
 * The wave plan in words: the cut against the baseline, each wave's hosts and cross dependencies
 * (bytes, p95 rate), and the shared services with their bytes per wave. Names are text nodes only.
 */
import type { CrossEdge, PlanResponse, PlanWave, SharedHost } from '../../../src/api/types.js';
import { serviceLabel } from '../../../src/graph/model.js';
import { formatBps } from '../../../src/util/rate.js';
import { bytesEl, h, linkButton, num } from '../dom.js';
import type { Nav } from '../nav.js';
import { renderTable, type Col } from '../table.js';
import { waveColor } from './plan-map.js';

/** Colour set through the CSSOM (allowed by the CSP, unlike style attributes). */
function swatch(color: string): HTMLElement {
  const el = h('span', { class: 'swatch wave' });
  el.style.backgroundColor = color;
  return el;
}

function crossCols(nameOf: (a: string) => string, nav: Nav): Col<CrossEdge>[] {
  const end = (a: string): HTMLElement => linkButton(nameOf(a), a, () => nav.focusNode(a));
  return [
    { key: 'client', header: 'client', kind: 'text', value: (r) => nameOf(r.client), cell: (r) => end(r.client) },
    { key: 'server', header: 'server', kind: 'text', value: (r) => nameOf(r.server), cell: (r) => end(r.server) },
    { key: 'service', header: 'service', kind: 'text', value: (r) => serviceLabel(r) },
    { key: 'other', header: 'other wave', kind: 'text', value: (r) => (r.other_wave === null ? 'shared' : String(r.other_wave)) },
    { key: 'bytes', header: 'bytes', kind: 'bytes', value: (r) => r.bytes },
    {
      key: 'p95', header: 'p95', kind: 'number', value: (r) => r.p95_bps,
      cell: (r) => (r.p95_bps === null ? '-' : h('span', { class: 'rate', 'data-bps': String(r.p95_bps), title: `${r.p95_bps.toFixed(1)} bit/s` }, formatBps(r.p95_bps))),
    },
  ];
}

function sharedCols(nav: Nav): Col<SharedHost>[] {
  return [
    { key: 'host', header: 'host', kind: 'text', value: (r) => r.name ?? r.address, cell: (r) => linkButton(r.name ?? r.address, r.address, () => nav.focusNode(r.address)) },
    { key: 'role', header: 'role', kind: 'text', value: (r) => r.role },
    { key: 'services', header: 'services', kind: 'text', value: (r) => r.services.join(', ') },
    {
      key: 'per_wave', header: 'bytes per wave', kind: 'text', value: (r) => r.per_wave.length,
      cell: (r) => h('span', { class: 'per-wave' }, ...r.per_wave.map((p) => h('span', { class: 'wave-bytes', 'data-wave': String(p.wave) }, swatch(waveColor(p.wave)), `${p.wave}: `, bytesEl(p.bytes)))),
    },
    { key: 'bytes', header: 'bytes', kind: 'bytes', value: (r) => r.bytes },
  ];
}

function waveSection(w: PlanWave, nameOf: (a: string) => string, nav: Nav): HTMLElement {
  const hosts = h('ul', { class: 'wave-hosts', 'data-testid': 'wave-hosts' });
  for (const x of w.hosts) hosts.append(h('li', { 'data-address': x.address }, linkButton(x.name ?? x.address, x.address, () => nav.focusNode(x.address))));
  return h(
    'section', { class: 'wave-list', 'data-testid': 'wave-list', 'data-wave': String(w.wave) },
    h('h3', {}, swatch(waveColor(w.wave)), `Wave ${w.wave}`),
    h('p', { class: 'muted', 'data-testid': 'wave-summary' },
      `${num(w.hosts.length)} hosts · `, bytesEl(w.bytes_internal), ' inside · ',
      h('span', { 'data-testid': 'cross-count' }, num(w.cross.length)), ' cross dependencies (', bytesEl(w.bytes_cross), ')'),
    hosts,
    renderTable(w.cross, crossCols(nameOf, nav), { testId: 'wave-cross' }),
  );
}

export function renderPlanLists(into: HTMLElement, plan: PlanResponse, nav: Nav): void {
  const names = new Map<string, string>();
  for (const x of [...plan.waves.flatMap((w) => w.hosts), ...plan.shared]) if (x.name) names.set(x.address, x.name);
  const nameOf = (a: string): string => names.get(a) ?? a;
  const cut = h(
    'p', { class: 'plan-cut', 'data-testid': 'plan-cut' },
    'Cut: ', h('span', { 'data-testid': 'cut-deps' }, num(plan.cut.dependencies)), ' dependencies, ', bytesEl(plan.cut.bytes),
    ` · baseline (${plan.baseline.method}): `, h('span', { 'data-testid': 'baseline-deps' }, num(plan.baseline.cut.dependencies)), ' dependencies, ',
    h('span', { 'data-testid': 'baseline-bytes' }, bytesEl(plan.baseline.cut.bytes)),
  );
  const about = h('p', { class: 'muted small' },
    `${num(plan.waves.length)} waves of at most ${num(plan.max_hosts)} hosts${plan.max_hosts_given ? '' : ' (even split)'}; ${num(plan.communities)} communities in the traffic`,
    plan.bucket_s !== null ? `; p95 over ${num(plan.bucket_s)} s buckets.` : '.');
  const shared = plan.shared.length
    ? [h('h3', {}, `Shared services (${num(plan.shared.length)}): in no wave, reachable from every wave`), renderTable(plan.shared, sharedCols(nav), { testId: 'plan-shared' })]
    : [h('p', { class: 'muted' }, 'No shared services.')];
  into.replaceChildren(cut, about, ...plan.waves.map((w) => waveSection(w, nameOf, nav)), ...shared);
}
