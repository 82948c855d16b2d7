/**
 * The wave plan as a map: one coloured compound node per wave holding its hosts, one "shared
 * services" container drawn apart below, the cross dependencies between them, and (thin, in the
 * wave's colour) the dependencies inside each wave. Positions are
 * computed here (a grid of waves, a grid of hosts in each), so the same plan always looks the same
 * and no force layout can pull a host out of its wave's box.
 */
import cytoscape, { type Core, type ElementDefinition, type StylesheetJson } from 'cytoscape';
import type { EdgeRow, HostRef, PlanResponse } from '../../../src/api/types.js';
import { serviceLabel } from '../../../src/graph/model.js';
import { PALETTE } from '../../../src/export/labels.js';
import { formatBytes } from '../../../src/util/bytes.js';
import { widthOf } from '../map/elements.js';

export const waveId = (w: number): string => `W:${w}`;
export const SHARED_ID = 'W:shared';
export const planHostId = (address: string): string => `P:${address}`;
export const waveColor = (w: number): string => PALETTE[(w - 1) % PALETTE.length];

const HOST_DX = 170;
const HOST_DY = 70;
const WAVE_GAP = 90;

const STYLE: StylesheetJson = [
  {
    selector: 'node',
    style: {
      width: 18, height: 18, 'background-color': '#4a76a8', 'border-width': 1, 'border-color': '#2f5378',
      label: 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 3, 'text-wrap': 'ellipsis', 'text-max-width': '160px',
      color: '#1d2733', 'text-background-color': '#ffffff', 'text-background-opacity': 0.7, 'text-background-padding': '1px',
    },
  },
  {
    selector: 'node[kind = "wave"], node[kind = "shared"]',
    style: {
      shape: 'round-rectangle', 'background-color': 'data(color)', 'background-opacity': 0.1, 'border-color': 'data(color)', 'border-width': 3,
      'text-valign': 'top', 'text-halign': 'center', 'font-size': 15, 'font-weight': 'bold', color: 'data(color)', padding: '18px', 'text-background-opacity': 0,
    },
  },
  { selector: 'node[kind = "shared"]', style: { 'border-style': 'dashed' } },
  { selector: 'node[kind = "host"][?shared]', style: { shape: 'diamond', 'background-color': '#5b6b7b', 'border-color': '#3a4652' } },
  {
    selector: 'edge',
    style: {
      'curve-style': 'bezier', width: 'data(width)', 'line-color': '#d55e00', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#d55e00', 'arrow-scale': 0.8, opacity: 0.8,
    },
  },
  { selector: 'edge[?inside]', style: { 'line-color': 'data(color)', 'target-arrow-color': 'data(color)', width: 1.5, opacity: 0.6 } },
  // Dependencies on shared services cross every wave: drawn faint so the waves' own cut stands out.
  { selector: 'edge[?toShared]', style: { 'line-color': '#8a96a3', 'target-arrow-color': '#8a96a3', 'line-style': 'dashed', opacity: 0.3 } },
  {
    selector: 'edge:selected, edge.hover',
    style: { label: 'data(label)', 'font-size': 11, 'text-rotation': 'autorotate', 'text-background-color': '#ffffff', 'text-background-opacity': 0.85, opacity: 1, 'z-index': 20 },
  },
  { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#e69f00' } },
];

/** Hosts of one container in a grid of `cols` columns from (x0, y0). */
function gridOf(hosts: readonly HostRef[], cols: number, x0: number, y0: number): Map<string, { x: number; y: number }> {
  const at = new Map<string, { x: number; y: number }>();
  hosts.forEach((hr, i) => at.set(hr.address, { x: x0 + (i % cols) * HOST_DX, y: y0 + Math.floor(i / cols) * HOST_DY }));
  return at;
}

/** `edges`: the traffic's dependencies; those inside one wave are drawn (the plan lists only the cut). */
export function planElements(plan: PlanResponse, edges: readonly EdgeRow[] = []): ElementDefinition[] {
  const els: ElementDefinition[] = [];
  const inner = Math.max(1, Math.ceil(Math.sqrt(Math.max(1, ...plan.waves.map((w) => w.hosts.length)))));
  const cellW = inner * HOST_DX + WAVE_GAP;
  const cellH = Math.ceil(Math.max(1, ...plan.waves.map((w) => w.hosts.length)) / inner) * HOST_DY + WAVE_GAP;
  const perRow = Math.max(1, Math.ceil(Math.sqrt(plan.waves.length * 1.5)));
  const host = (hr: HostRef, parent: string, p: { x: number; y: number }, shared: boolean): ElementDefinition => ({
    group: 'nodes',
    data: { id: planHostId(hr.address), kind: 'host', parent, address: hr.address, name: hr.name, group: hr.group, label: hr.name ?? hr.address, shared },
    position: p,
  });
  for (const [i, w] of plan.waves.entries()) {
    els.push({ group: 'nodes', data: { id: waveId(w.wave), kind: 'wave', wave: w.wave, label: `wave ${w.wave}`, color: waveColor(w.wave) } });
    const at = gridOf(w.hosts, inner, (i % perRow) * cellW, Math.floor(i / perRow) * cellH);
    for (const hr of w.hosts) els.push(host(hr, waveId(w.wave), at.get(hr.address) as { x: number; y: number }, false));
  }
  if (plan.shared.length) {
    // Apart: below every wave, one wide row.
    const rows = Math.ceil(plan.waves.length / perRow);
    els.push({ group: 'nodes', data: { id: SHARED_ID, kind: 'shared', label: 'shared services', color: '#5b6b7b' } });
    const cols = Math.max(perRow * inner, 1);
    const at = gridOf(plan.shared, cols, 0, rows * cellH + WAVE_GAP);
    for (const s of plan.shared) els.push(host(s, SHARED_ID, at.get(s.address) as { x: number; y: number }, true));
  }
  // Each cross dependency is listed by the waves at both ends: drawn once.
  const drawn = new Set(els.map((e) => e.data.id as string));
  const seen = new Set<string>();
  const cross = plan.waves.flatMap((w) => w.cross).filter((e) => {
    const id = `X:${e.client}>${e.server}>${e.port}/${e.proto}`;
    if (seen.has(id) || !drawn.has(planHostId(e.client)) || !drawn.has(planHostId(e.server))) return false;
    seen.add(id);
    return true;
  });
  const bytes = cross.map((e) => e.bytes);
  const min = Math.min(...bytes);
  const max = Math.max(...bytes);
  for (const e of cross) {
    els.push({
      group: 'edges',
      data: {
        id: `X:${e.client}>${e.server}>${e.port}/${e.proto}`, source: planHostId(e.client), target: planHostId(e.server),
        client: e.client, server: e.server, port: e.port, proto: e.proto, bytes: e.bytes, toShared: e.other_wave === null,
        label: `${serviceLabel(e)} · ${formatBytes(e.bytes)}`, width: widthOf(e.bytes, min, max),
      },
    });
  }
  const waveOf = new Map(plan.waves.flatMap((w) => w.hosts.map((x) => [x.address, w.wave] as const)));
  for (const e of edges) {
    const wave = waveOf.get(e.client);
    if (wave === undefined || wave !== waveOf.get(e.server) || e.client === e.server) continue;
    els.push({
      group: 'edges',
      data: {
        id: `I:${e.client}>${e.server}>${e.port}/${e.proto}`, source: planHostId(e.client), target: planHostId(e.server),
        client: e.client, server: e.server, port: e.port, proto: e.proto, bytes: e.bytes, inside: true, color: waveColor(wave),
        label: `${serviceLabel(e)} · ${formatBytes(e.bytes)}`,
      },
    });
  }
  return els;
}

/** The plan's own Cytoscape instance (the main map keeps its layout while the plan is shown). */
export class PlanMap {
  cy: Core | null = null;

  /** `open`: a host was double-clicked (the page shows it on the main map). */
  constructor(private readonly container: HTMLElement, private readonly open: (address: string) => void) {
    new ResizeObserver(() => this.cy?.resize()).observe(container);
  }

  draw(plan: PlanResponse, edges: readonly EdgeRow[]): void {
    if (!this.cy) {
      const cy = cytoscape({ container: this.container, style: STYLE, minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false, selectionType: 'single', autoungrabify: false });
      cy.on('mouseover', 'edge', (ev) => ev.target.addClass('hover'));
      cy.on('mouseout', 'edge', (ev) => ev.target.removeClass('hover'));
      cy.on('dbltap', 'node[kind = "host"]', (ev) => this.open(ev.target.data('address') as string));
      this.cy = cy;
    }
    const cy = this.cy;
    cy.batch(() => {
      cy.elements().remove();
      cy.add(planElements(plan, edges));
    });
    cy.resize();
    cy.fit(undefined, 30);
  }

  clear(): void {
    this.cy?.elements().remove();
  }
}
