/**
 * Compare mode on the map (`flowmap diff`): the answer's dependencies coloured by what happened to
 * them: added green, removed red and dashed, changed orange (grown) or blue (shrunk); everything
 * else dimmed. A dependency the current map does not draw (a removed one, or one outside the map's
 * window) is added as an extra edge, with extra host nodes for ends the map does not hold. Classes
 * and extra elements only: clearing restores the map without a new layout.
 */
import type { Core, ElementDefinition, Position } from 'cytoscape';
import type { DiffResult, EdgeRow } from '../../../src/api/types.js';
import { serviceLabel } from '../../../src/graph/model.js';
import { formatBytes } from '../../../src/util/bytes.js';

export type DiffChangeKind = 'added' | 'removed' | 'grown' | 'shrunk';
export const CMP_CLASSES = ['cmp-added', 'cmp-removed', 'cmp-grown', 'cmp-shrunk', 'cmp-same', 'cmp-extra', 'cmp-new-host', 'cmp-gone-host'] as const;
/** Ids of extra elements start with this (never an id of the map's own elements). */
export const EXTRA_PREFIX = 'D:';

export interface DiffEdge {
  client: string;
  server: string;
  port: number;
  proto: string;
  service: string | null;
  kind: DiffChangeKind;
  /** What the tooltip says about the change. */
  text: string;
  bytes: number;
}

const exact = (n: number): string => `${formatBytes(n)} (${n.toLocaleString('en-US')} bytes)`;

/** The answer's dependencies, each with its kind and words. */
export function diffEdges(d: DiffResult): DiffEdge[] {
  const row = (e: EdgeRow, kind: 'added' | 'removed'): DiffEdge => ({
    client: e.client, server: e.server, port: e.port, proto: e.proto, service: e.service, kind, bytes: e.bytes,
    text: `${kind} · ${exact(e.bytes)} ${kind === 'added' ? 'after' : 'before'}`,
  });
  return [
    ...d.added.map((e) => row(e, 'added')),
    ...d.removed.map((e) => row(e, 'removed')),
    ...d.changed.map((c): DiffEdge => {
      const grown = c.ratio === null || c.ratio > 1;
      const ratio = c.ratio === null ? 'new traffic' : `×${c.ratio}`;
      return {
        client: c.client, server: c.server, port: c.port, proto: c.proto, service: c.service, kind: grown ? 'grown' : 'shrunk', bytes: c.bytes_after,
        text: `${grown ? 'grown' : 'shrunk'} ${ratio} (${d.compared === 'rates' ? 'of rates' : 'of bytes'}) · ${exact(c.bytes_before)} → ${exact(c.bytes_after)}`,
      };
    }),
  ];
}

export interface OverlayResult {
  /** Map element id of each diff edge, by `client>server port/proto`. */
  edges: Map<string, string>;
  extraNodes: number;
  extraEdges: number;
}

export const diffKey = (e: { client: string; server: string; port: number; proto: string }): string => `${e.client}>${e.server} ${e.port}/${e.proto}`;

export function clearDiff(cy: Core): void {
  cy.batch(() => {
    cy.elements(`[id ^= "${EXTRA_PREFIX}"]`).remove();
    cy.elements(CMP_CLASSES.map((c) => `.${c}`).join(', ')).removeClass(CMP_CLASSES.join(' ')).removeData('cmp');
  });
}

/** `drawnId`: the map's node id of a host key (a host in a collapsed group: the group), if drawn. */
export function applyDiff(cy: Core, d: DiffResult, drawnId: (key: string) => string | undefined): OverlayResult {
  const out: OverlayResult = { edges: new Map(), extraNodes: 0, extraEdges: 0 };
  const added = new Set(d.hosts_added.map((x) => x.address));
  const gone = new Set(d.hosts_removed.map((x) => x.address));
  clearDiff(cy);
  cy.batch(() => {
    const nodeFor = (addr: string, near: string | undefined): string => {
      const drawn = drawnId(addr);
      if (drawn && cy.getElementById(drawn).nonempty()) return drawn;
      const id = `${EXTRA_PREFIX}host:${addr}`;
      if (cy.getElementById(id).empty()) {
        const cls = added.has(addr) ? 'cmp-extra cmp-new-host' : gone.has(addr) ? 'cmp-extra cmp-gone-host' : 'cmp-extra';
        const label = d.hosts_added.find((x) => x.address === addr)?.name ?? d.hosts_removed.find((x) => x.address === addr)?.name ?? addr;
        const data = { id, kind: 'host', key: addr, label, caption: label === addr ? addr : `${label}\n${addr}`, bytes: 0, bytesServed: 0, bytesUsed: 0, size: 22, font: 12 };
        cy.add({ group: 'nodes', data, classes: cls, position: placeNear(cy, near) });
        out.extraNodes++;
      }
      return id;
    };
    for (const e of diffEdges(d)) {
      const c0 = drawnId(e.client);
      const s0 = drawnId(e.server);
      const own = c0 && s0 ? cy.getElementById(`E:${c0}>${s0}>${e.port}/${e.proto}`) : cy.collection();
      const cls = `cmp-${e.kind}`;
      if (own.nonempty()) {
        own.addClass(cls).data('cmp', e.text);
        out.edges.set(diffKey(e), own.id());
        continue;
      }
      const src = nodeFor(e.client, c0 ?? s0);
      const dst = nodeFor(e.server, src);
      const id = `${EXTRA_PREFIX}${e.client}>${e.server}>${e.port}/${e.proto}`;
      const def: ElementDefinition = {
        group: 'edges',
        classes: `cmp-extra ${cls}`,
        data: {
          id, source: src, target: dst, client: e.client, server: e.server, clientKind: 'host', serverKind: 'host', port: e.port, proto: e.proto, service: e.service,
          label: `${serviceLabel(e)} · ${formatBytes(e.bytes)}`, bytes: e.bytes, bytes_c2s: 0, bytes_s2c: 0, packets: 0, connections: 0, first_seen: '', last_seen: '',
          width: 3, color: '#888888', folded: false, parts: 1, cmp: e.text,
        },
      };
      cy.add(def);
      out.edges.set(diffKey(e), id);
      out.extraEdges++;
    }
    // New and gone hosts the map draws itself are ringed too.
    for (const [set, cls] of [[added, 'cmp-new-host'], [gone, 'cmp-gone-host']] as const) {
      for (const addr of set) {
        const id = drawnId(addr);
        if (id) cy.getElementById(id).filter((n) => n.isNode() && !n.isParent()).addClass(cls);
      }
    }
    // Whatever did not change steps back.
    const marked = cy.elements('.cmp-added, .cmp-removed, .cmp-grown, .cmp-shrunk');
    const keep = marked.union(marked.connectedNodes()).union(marked.connectedNodes().ancestors());
    cy.elements().difference(keep).addClass('cmp-same');
  });
  return out;
}

/** Beside a drawn node (jittered), else right of the map. */
function placeNear(cy: Core, near: string | undefined): Position {
  const n = near ? cy.getElementById(near) : cy.collection();
  const a = Math.random() * 2 * Math.PI;
  if (n.nonempty() && n.isNode() && !n.isParent()) {
    const p = n.position();
    return { x: p.x + 90 * Math.cos(a), y: p.y + 90 * Math.sin(a) };
  }
  const bb = cy.elements().boundingBox({});
  return Number.isFinite(bb.x2) ? { x: bb.x2 + 100, y: (bb.y1 + bb.y2) / 2 + 200 * Math.sin(a) } : { x: 0, y: 0 };
}
