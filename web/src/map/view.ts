/**
 * The Cytoscape map: first draw with a full layout, later updates (live data, collapsing a group)
 * in place: removed elements go, new ones are placed beside a neighbour, nothing else moves.
 */
import cytoscape, { type Core, type ElementDefinition, type LayoutOptions, type NodeSingular, type Position } from 'cytoscape';
import fcose from 'cytoscape-fcose';
import type { BuiltElements, EdgeData, NodeData } from './elements.js';
import { appPositions } from './app-positions.js';
import { clusterPositions, fitPositions, seeded } from './cluster-layout.js';
import { FastCanvas } from './fast-canvas.js';
import { isBig, layoutOptions, layoutTier, type LayoutTier } from './layout.js';
import { mapStyle } from './style.js';

cytoscape.use(fcose);

/** Zoom from which big maps draw arrowheads on every edge. */
export const ARROW_ZOOM = 0.6;

export interface MapEvents {
  /** A node or edge was tapped (null: the background). */
  select(target: { node: NodeData } | { edge: EdgeData } | null): void;
  /** A group container was double-tapped. */
  toggleGroup(name: string): void;
  hover(target: { node: NodeData } | { edge: EdgeData } | null, at: Position): void;
}

export interface DrawStats {
  nodes: number;
  edges: number;
  /** Adding the elements (style included) and laying them out, ms. */
  addMs: number;
  layoutMs: number;
  layout: LayoutTier | 'apps';
  big: boolean;
  /** Drawn by fast-canvas.ts (big flat maps) rather than Cytoscape's renderer. */
  fast: boolean;
}

/** Which renderer and style a map gets: small, big (Cytoscape's fast settings), or fast-canvas.ts. */
type Mode = 'small' | 'big' | 'fast';

export class MapView {
  cy: Core | null = null;
  private mode: Mode = 'small';
  private fast: FastCanvas | null = null;
  private arrows = false;
  /** Last known position of every node (survives collapse/expand). */
  private readonly positions = new Map<string, Position>();

  constructor(private readonly container: HTMLElement, private readonly events: MapEvents) {
    // The detail panel opening or closing changes the map's width: Cytoscape must be told.
    new ResizeObserver(() => this.cy?.resize()).observe(container);
  }

  private create(mode: Mode): Core {
    this.fast?.destroy();
    this.fast = null;
    this.cy?.destroy();
    this.mode = mode;
    const big = mode !== 'small';
    // fast: Cytoscape without its renderer and style (the model only), drawn by fast-canvas.ts.
    const cy = mode === 'fast' ? cytoscape({ container: this.container, headless: true, styleEnabled: false, minZoom: 0.02, maxZoom: 6 }) : cytoscape({
      container: this.container,
      style: mapStyle(big),
      // Speed on big maps: pan/zoom move a cached bitmap, edges hidden while the view moves.
      textureOnViewport: big,
      hideEdgesOnViewport: big,
      motionBlur: false,
      pixelRatio: big ? 1 : 'auto',
      minZoom: 0.02,
      maxZoom: 6,
      boxSelectionEnabled: false,
      selectionType: 'single',
    });
    cy.on('tap', (ev) => {
      const t = ev.target;
      if (t === cy) this.events.select(null);
      else if (t.isNode()) this.events.select({ node: t.data() as NodeData });
      else this.events.select({ edge: t.data() as EdgeData });
    });
    cy.on('dbltap', 'node[kind = "container"]', (ev) => this.events.toggleGroup((ev.target.data() as NodeData).key));
    cy.on('mouseover', 'node, edge', (ev) => {
      const t = ev.target;
      if (t.isEdge()) t.addClass('hover');
      this.events.hover(t.isNode() ? { node: t.data() as NodeData } : { edge: t.data() as EdgeData }, ev.renderedPosition);
    });
    cy.on('mouseout', 'node, edge', (ev) => {
      ev.target.removeClass('hover');
      this.events.hover(null, ev.renderedPosition);
    });
    cy.on('dragfree', 'node', (ev) => this.remember(ev.target as NodeSingular));
    this.arrows = false;
    if (mode === 'big') cy.on('zoom', () => this.syncArrows());
    if (mode === 'fast') this.fast = new FastCanvas(this.container, cy, ARROW_ZOOM);
    this.cy = cy;
    return cy;
  }

  /** Big maps: arrowheads on every edge only when zoomed in (see style.ts); toggled when crossing. */
  private syncArrows(force = false): void {
    const cy = this.cy;
    if (!cy || this.mode !== 'big') return;
    const want = cy.zoom() >= ARROW_ZOOM;
    if (want === this.arrows && !force) return;
    this.arrows = want;
    if (want) cy.edges().addClass('arrows');
    else cy.edges().removeClass('arrows');
  }

  private remember(n: NodeSingular): void {
    const p = n.position();
    this.positions.set(n.id(), { x: p.x, y: p.y });
  }

  /**
   * Replace everything and lay it out (a new query). `apps`: the application view, placed by the
   * exports' application layout (app-positions.ts), the same every time.
   */
  draw(els: BuiltElements, apps = false): DrawStats {
    const big = isBig(els.nodes.length, els.edges.length);
    const t0 = performance.now();
    // Preset layouts run before the elements are added (see cluster-layout.ts).
    const tier = apps ? 'apps' : layoutTier(els.nodes.length, els.edges.length);
    // Big maps of the cluster layout without compound groups: fast-canvas.ts.
    const mode: Mode = !big ? 'small' : tier === 'cluster' && !els.nodes.some((n) => n.data.parent !== undefined) ? 'fast' : 'big';
    const cy = this.cy && this.mode === mode ? this.cy : this.create(mode);
    this.positions.clear();
    const placed = tier === 'apps' ? appPositions(els) : tier === 'cluster' ? clusterPositions(els.nodes, els.edges) : null;
    const nodes = placed ? els.nodes.map((n) => ({ ...n, position: placed.get(n.data.id as string) })) : els.nodes;
    const t1 = performance.now();
    // One batch: the renderer hears of the 12,000 elements of a big map once, not one by one.
    const add = (): void =>
      cy.batch(() => {
        cy.elements().remove();
        cy.add([...nodes, ...els.edges]);
      });
    if (this.fast) this.fast.quiet(add);
    else add();
    const t2 = performance.now();
    if (placed) {
      cy.resize(); // the summary below the map may have changed its height
      // Small maps fit with their captions; big ones by node centres (measuring every label costs seconds).
      if (tier === 'apps' && !big) cy.fit(undefined, 20);
      else fitPositions(cy, [...placed.values()], 30);
    } else if (els.nodes.length && tier !== 'cluster' && tier !== 'apps') seeded(() => cy.layout(layoutOptions(tier) as unknown as LayoutOptions).run());
    const t3 = performance.now();
    cy.nodes().forEach((n) => this.remember(n));
    if (this.arrows || cy.zoom() >= ARROW_ZOOM) this.syncArrows(true);
    this.fast?.render();
    return { nodes: els.nodes.length, edges: els.edges.length, addMs: t2 - t1, layoutMs: t1 - t0 + (t3 - t2), layout: tier, big, fast: mode === 'fast' };
  }

  /**
   * Bring the map to these elements without a new layout: data of kept elements is updated, gone
   * ones removed, new nodes placed next to a drawn neighbour (or where they were before, after a
   * group is expanded again). Returns the ids of the new elements.
   */
  update(els: BuiltElements, mark = true): string[] {
    const cy = this.cy;
    if (!cy) {
      this.draw(els);
      return [];
    }
    const want = new Map<string, ElementDefinition>();
    for (const e of [...els.nodes, ...els.edges]) want.set(e.data.id as string, e);
    const added: string[] = [];
    cy.batch(() => {
      // Collapsing: a container about to lose its members keeps the spot they filled.
      cy.nodes('[kind = "container"]').forEach((g) => {
        const def = want.get(g.id());
        if (def?.classes === 'collapsed' && g.isParent()) {
          const bb = g.children().boundingBox({});
          g.children().forEach((c) => this.remember(c));
          this.positions.set(g.id(), { x: (bb.x1 + bb.x2) / 2, y: (bb.y1 + bb.y2) / 2 });
        }
      });
      cy.elements().forEach((ele) => {
        const def = want.get(ele.id());
        const parentChanged = def && ele.isNode() && (ele.data('parent') ?? undefined) !== (def.data.parent ?? undefined);
        if (!def || parentChanged) ele.remove();
      });
      for (const def of want.values()) {
        const id = def.data.id as string;
        const ele = cy.getElementById(id);
        if (ele.nonempty()) {
          ele.data(def.data);
          ele.classes(def.classes ?? '');
        }
      }
      const newNodes = els.nodes.filter((d) => cy.getElementById(d.data.id as string).empty());
      // Containers before members (members need their parent), then members.
      newNodes.sort((a, b) => (a.data.kind === 'container' ? 0 : 1) - (b.data.kind === 'container' ? 0 : 1));
      for (const def of newNodes) {
        const id = def.data.id as string;
        const node = cy.add({ ...def, position: this.placeFor(id, els) });
        if (def.data.kind === 'container' && def.classes === 'collapsed') {
          const p = this.positions.get(id);
          if (p) node.position(p);
        }
        this.remember(node);
        added.push(id);
      }
      for (const def of els.edges) {
        if (cy.getElementById(def.data.id as string).empty()) {
          const e = cy.add(def);
          if (this.arrows) e.addClass('arrows');
          added.push(def.data.id as string);
        }
      }
    });
    if (mark && added.length) {
      let fresh = cy.collection();
      for (const id of added) fresh = fresh.union(cy.getElementById(id));
      fresh.addClass('fresh');
      setTimeout(() => fresh.removeClass('fresh'), 4000);
    }
    return added;
  }

  /** Where a new node goes: its old place, else beside a drawn neighbour, else right of the map. */
  private placeFor(id: string, els: BuiltElements): Position {
    const old = this.positions.get(id);
    const cy = this.cy as Core;
    if (old) return old;
    const jitter = (p: Position): Position => {
      const a = Math.random() * 2 * Math.PI;
      return { x: p.x + 70 * Math.cos(a), y: p.y + 70 * Math.sin(a) };
    };
    for (const e of els.edges) {
      const other = e.data.source === id ? e.data.target : e.data.target === id ? e.data.source : undefined;
      if (other === undefined) continue;
      const n = cy.getElementById(other as string);
      if (n.nonempty() && !n.isParent()) return jitter(n.position());
    }
    const bb = cy.elements().boundingBox({});
    return Number.isFinite(bb.x2) ? { x: bb.x2 + 80, y: (bb.y1 + bb.y2) / 2 + (Math.random() - 0.5) * 200 } : { x: 0, y: 0 };
  }

  /** Select and centre a node (by id); false when it is not drawn. */
  focus(id: string, opts: { zoom?: boolean; mark?: boolean } = {}): boolean {
    const cy = this.cy;
    if (!cy) return false;
    const ele = cy.getElementById(id);
    if (ele.empty()) return false;
    cy.elements().unselect();
    ele.select();
    if (opts.mark) {
      cy.nodes('.found').removeClass('found');
      ele.addClass('found');
    }
    const zoom = opts.zoom ? Math.max(cy.zoom(), 1) : cy.zoom();
    // Without style (fast-canvas.ts) Cytoscape runs no animations: jump there.
    if (this.mode === 'fast') {
      const p = ele.position();
      cy.viewport({ zoom, pan: { x: cy.width() / 2 - zoom * p.x, y: cy.height() / 2 - zoom * p.y } });
    } else cy.animate({ center: { eles: ele }, zoom }, { duration: 250 });
    return true;
  }

  unselect(): void {
    this.cy?.elements().unselect();
    this.cy?.nodes('.found').removeClass('found');
  }

  clear(): void {
    this.cy?.elements().remove();
    this.positions.clear();
  }
}
