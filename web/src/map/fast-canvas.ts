/**
 * The renderer of big flat maps (cluster layout, no compound groups): one 2D canvas drawing a
 * headless Cytoscape instance. Cytoscape stays the map's model (elements, data, classes, selection,
 * viewport, events: the panels, highlight.ts, diff-overlay.ts and the tests use it as on small maps);
 * only its canvas renderer is left out, because its first frame (style of 12,000 elements, texture
 * caches) took 2-3 s at 2,000 hosts / 10,000 edges, where this one reads the model and draws it in 0.1-0.3 s,
 * then redraws in steps of a few ms per frame.
 *
 * It draws what style.ts gives big maps: discs (round rectangles for groups, subnets, "other" and
 * collapsed groups), captions below the nodes when their font is at least MIN_FONT px on screen,
 * straight edges coloured and sized by data, mid arrowheads when zoomed in (ARROW_ZOOM) or on the
 * edge in focus, its label on hover or selection; the classes of style.ts (faded, cmp-*, dep-*,
 * found, fresh, selected, hover) the same way. Input: drag on the background pans, drag on a node
 * moves it, wheel zooms, click taps (tap, dbltap, mouseover/mouseout and dragfree are emitted on the
 * Cytoscape elements, so MapView's handlers are the same for both renderers).
 *
 * Text is drawn with fillText (never parsed as HTML): host names come from the network.
 */
import type { Core, EdgeSingular, NodeSingular, Position } from 'cytoscape';
import { CAPTION_GAP, MAP_FONT_FAMILY } from './app-positions.js';
import { MAP_COLORS as C, MAP_OPACITY } from './style.js';

/** Captions smaller than this on screen are not drawn (Cytoscape's min-zoomed-font-size of big maps). */
const MIN_FONT = 9;
const TAP_SLOP = 4;
const DBLTAP_MS = 400;

interface NodeSnap {
  ele: NodeSingular;
  x: number;
  y: number;
  r: number;
  shape: 'disc' | 'box';
  fill: string;
  border: string;
  borderW: number;
  dash: boolean;
  alpha: number;
  caption: string;
  font: number;
  text: string;
  fresh: boolean;
  z: number;
}

interface EdgeSnap {
  ele: EdgeSingular;
  s: NodeSnap;
  t: NodeSnap;
  color: string;
  width: number;
  alpha: number;
  dash: boolean;
  arrow: boolean;
  label: string;
  z: number;
  /** The look (colour, width, alpha, dash, arrow): edges of one look are stroked as one path. */
  key: string;
}

interface Hit {
  node?: NodeSnap;
  edge?: EdgeSnap;
}

const has = (cls: Set<string>, c: string): boolean => cls.has(c);

function nodeSnap(n: NodeSingular): NodeSnap {
  const d = n.data() as { kind: string; size: number; caption?: string; font?: number };
  const cls = new Set(n.classes());
  const size = Number(d.size) || 20;
  const s: NodeSnap = {
    ele: n, x: 0, y: 0, r: size / 2, shape: 'disc', fill: C.host, border: C.hostBorder, borderW: 1, dash: false, alpha: 1,
    caption: d.caption ?? '', font: Number(d.font) || 10, text: C.text, fresh: has(cls, 'fresh'), z: 0,
  };
  if (d.kind === 'group' || d.kind === 'subnet') Object.assign(s, { shape: 'box', fill: C.group, border: C.groupBorder });
  else if (d.kind === 'other') Object.assign(s, { shape: 'box', fill: C.other, dash: true, borderW: 2, border: C.otherBorder, text: C.otherText });
  else if (d.kind === 'container') Object.assign(s, { shape: 'box', fill: C.container, border: C.containerBorder, borderW: 2 });
  if (has(cls, 'cmp-same')) s.alpha = MAP_OPACITY.cmpSame;
  if (has(cls, 'cmp-new-host')) Object.assign(s, { borderW: 4, border: C.added });
  if (has(cls, 'cmp-gone-host')) Object.assign(s, { borderW: 4, border: C.removed, dash: true });
  if (n.selected()) Object.assign(s, { borderW: 4, border: C.selected });
  if (has(cls, 'faded')) s.alpha = MAP_OPACITY.faded;
  if (has(cls, 'dep-target')) Object.assign(s, { borderW: 5, border: C.depTarget, z: 25 });
  if (has(cls, 'found')) Object.assign(s, { borderW: 6, border: C.found, z: 30 });
  return s;
}

function edgeSnap(e: EdgeSingular, s: NodeSnap, t: NodeSnap): EdgeSnap {
  const d = e.data() as { color: string; width: number; label?: string };
  const cls = new Set(e.classes());
  const sel = e.selected();
  const hover = has(cls, 'hover');
  const x: EdgeSnap = {
    // Widths to whole units: every distinct look is one more path (and mask) to rasterise.
    ele: e, s, t, color: d.color, width: Math.max(1, Math.round(Number(d.width) || 1)), alpha: MAP_OPACITY.bigEdge, dash: has(cls, 'other'), arrow: has(cls, 'arrows') || sel || hover, label: '', z: 0, key: '',
  };
  if (has(cls, 'shared-edge')) x.alpha = MAP_OPACITY.sharedEdge;
  if (has(cls, 'cmp-same')) x.alpha = MAP_OPACITY.cmpSame;
  const cmp = has(cls, 'cmp-added') ? C.added : has(cls, 'cmp-removed') ? C.removed : has(cls, 'cmp-grown') ? C.grown : has(cls, 'cmp-shrunk') ? C.shrunk : '';
  if (cmp) Object.assign(x, { color: cmp, width: 4, alpha: 1, z: 18, dash: x.dash || has(cls, 'cmp-removed') });
  if (hover || sel) Object.assign(x, { label: d.label ?? '', alpha: 1, z: 20 });
  if (sel) x.color = C.selected;
  if (has(cls, 'faded')) x.alpha = MAP_OPACITY.faded;
  if (has(cls, 'dep-kept')) Object.assign(x, { alpha: 1, z: 15 });
  x.key = `${x.color}|${x.width}|${x.alpha}|${x.dash ? 1 : 0}|${x.arrow ? 1 : 0}`;
  return x;
}

/** Edges rasterised in the first step of a new picture; later steps are sized to take STEP_MS. */
const EDGES_PER_STEP = 2000;
/** Time a step should take, ms. */
const STEP_MS = 6;
/** The view must rest this long before it is drawn anew at its new pan and zoom. */
const SETTLE_MS = 150;

interface View {
  zoom: number;
  pan: Position;
}

/** A picture being drawn, a few thousand edges per frame, then the nodes and captions. */
interface Job {
  view: View;
  next: number;
}

function drawNode(ctx: CanvasRenderingContext2D, n: NodeSnap): void {
  ctx.globalAlpha = n.alpha;
  if (n.fresh) {
    ctx.save();
    ctx.globalAlpha = 0.25;
    ctx.fillStyle = C.fresh;
    ctx.fillRect(n.x - n.r - 6, n.y - n.r - 6, 2 * n.r + 12, 2 * n.r + 12);
    ctx.restore();
  }
  ctx.beginPath();
  if (n.shape === 'disc') ctx.arc(n.x, n.y, n.r, 0, 2 * Math.PI);
  else ctx.roundRect(n.x - n.r, n.y - n.r, 2 * n.r, 2 * n.r, Math.min(8, n.r / 2));
  ctx.fillStyle = n.fill;
  ctx.fill();
  ctx.lineWidth = n.borderW;
  ctx.strokeStyle = n.border;
  ctx.setLineDash(n.dash ? [5, 3] : []);
  ctx.stroke();
  ctx.setLineDash([]);
}

/** Cytoscape's mid-target triangle at arrow-scale 0.8. */
function arrowPath(ctx: CanvasRenderingContext2D, e: EdgeSnap): void {
  const dx = e.t.x - e.s.x, dy = e.t.y - e.s.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len, uy = dy / len;
  const h = (0.8 * Math.max(6, 3 * e.width)) / 2;
  const mx = (e.s.x + e.t.x) / 2, my = (e.s.y + e.t.y) / 2;
  ctx.moveTo(mx + ux * h, my + uy * h);
  ctx.lineTo(mx - ux * h - uy * h, my - uy * h + ux * h);
  ctx.lineTo(mx - ux * h + uy * h, my - uy * h - ux * h);
  ctx.closePath();
}

/** The label of the edge in focus, along it, on a white band. */
function edgeLabel(ctx: CanvasRenderingContext2D, e: EdgeSnap): void {
  const mx = (e.s.x + e.t.x) / 2, my = (e.s.y + e.t.y) / 2;
  let a = Math.atan2(e.t.y - e.s.y, e.t.x - e.s.x);
  if (a > Math.PI / 2 || a < -Math.PI / 2) a += Math.PI;
  ctx.save();
  ctx.translate(mx, my);
  ctx.rotate(a);
  ctx.font = `11px ${MAP_FONT_FAMILY}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const w = ctx.measureText(e.label).width;
  ctx.globalAlpha = 0.85;
  ctx.fillStyle = C.textBackground;
  ctx.fillRect(-w / 2 - 1, -7, w + 2, 14);
  ctx.globalAlpha = 1;
  ctx.fillStyle = C.text;
  ctx.fillText(e.label, 0, 0);
  ctx.restore();
}

export class FastCanvas {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  /** The last complete picture and the view it was drawn at; shown moved and scaled meanwhile. */
  private scene: HTMLCanvasElement;
  private sceneView: View | null = null;
  /** Where the next picture is drawn (swapped with `scene` when complete). */
  private work: HTMLCanvasElement;
  private wctx: CanvasRenderingContext2D;
  private job: Job | null = null;
  private budget = EDGES_PER_STEP;
  private nodes: NodeSnap[] = [];
  private edges: EdgeSnap[] = [];
  private byId = new Map<string, NodeSnap>();
  /** The snapshot is out of date; `stale`: the picture is. */
  private dirty = true;
  private stale = true;
  /** Elements whose look or place changed since the snapshot (updated alone, not a new snapshot). */
  private readonly changed = new Set<NodeSingular | EdgeSingular>();
  private edgeAt = new Map<string, number>();
  private frame = 0;
  private settle = 0;
  private hovered: NodeSingular | EdgeSingular | null = null;
  private lastTap: { id: string; at: number } | null = null;
  private readonly off: Array<() => void> = [];
  private width = 1;
  private height = 1;
  private readonly model = (): void => this.invalidate();

  /** `arrowZoom`: from this zoom every edge gets its arrowhead. */
  constructor(private readonly container: HTMLElement, private readonly cy: Core, private readonly arrowZoom: number) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'fast-map';
    this.canvas.style.cssText = 'position:absolute;left:0;top:0;touch-action:none;';
    container.appendChild(this.canvas);
    this.ctx = this.canvas.getContext('2d', { alpha: false }) as CanvasRenderingContext2D;
    this.scene = document.createElement('canvas');
    this.work = document.createElement('canvas');
    this.wctx = this.context(this.work);
    this.resize();
    const model = this.model;
    cy.on('add remove', model);
    const change = (ev: { target: NodeSingular | EdgeSingular }): void => {
      this.changed.add(ev.target);
      this.stale = true;
      this.job = null;
      this.schedule();
    };
    cy.on('data position select unselect class', change);
    const view = (): void => this.moved();
    cy.on('viewport', view);
    const resize = (): void => {
      this.resize();
      this.invalidate();
    };
    cy.on('resize', resize);
    this.off.push(() => cy.removeListener('add remove', model), () => cy.removeListener('data position select unselect class', change), () => cy.removeListener('viewport', view), () => cy.removeListener('resize', resize));
    this.listen();
  }

  // The work canvas is read back (one pixel) after each step, to rasterise the step in its frame.
  private context(c: HTMLCanvasElement): CanvasRenderingContext2D {
    return c.getContext('2d', { alpha: false, willReadFrequently: true }) as CanvasRenderingContext2D;
  }

  /** Run `fn` (adding a whole map) without hearing of each element: one new snapshot after. */
  quiet(fn: () => void): void {
    this.cy.removeListener('add remove', this.model);
    try {
      fn();
    } finally {
      this.cy.on('add remove', this.model);
      this.invalidate();
    }
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.settle);
    for (const f of this.off) f();
    this.canvas.remove();
  }

  private resize(): void {
    this.width = Math.max(1, Math.round(this.cy.width()));
    this.height = Math.max(1, Math.round(this.cy.height()));
    for (const c of [this.canvas, this.scene, this.work]) {
      c.width = this.width;
      c.height = this.height;
    }
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.sceneView = null;
  }

  /** The model changed: a new picture, started at the next frame. */
  invalidate(): void {
    this.dirty = true;
    this.stale = true;
    this.job = null;
    this.schedule();
  }

  /** The view moved: the last picture moved along now, a new one once the view rests. */
  private moved(): void {
    this.job = null;
    this.present();
    clearTimeout(this.settle);
    this.settle = window.setTimeout(() => this.schedule(), SETTLE_MS);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.step();
    });
  }

  private view(): View {
    return { zoom: this.cy.zoom(), pan: { ...this.cy.pan() } };
  }

  private same(a: View | null, b: View): boolean {
    return a !== null && a.zoom === b.zoom && a.pan.x === b.pan.x && a.pan.y === b.pan.y;
  }

  /** One frame's share of the picture in progress (a new one started when needed). */
  /**
   * One frame's share of the picture in progress (a new one started when needed). The share adapts
   * so that a step takes about a third of a 60 Hz frame: wide strokes (zoomed in) cost far more.
   */
  private step(budget = this.budget): void {
    const t0 = performance.now();
    this.draw(budget);
    if (budget === Infinity) return;
    const ms = performance.now() - t0;
    if (ms > STEP_MS) this.budget = Math.max(100, Math.round(this.budget / 2));
    else if (ms < STEP_MS / 2) this.budget = Math.min(20_000, Math.round(this.budget * 1.5));
  }

  private draw(budget: number): void {
    const v = this.view();
    if (!this.job || !this.same(this.job.view, v)) {
      if (!this.stale && this.same(this.sceneView, v)) return;
      this.begin(v);
    }
    const job = this.job as Job;
    const ctx = this.wctx;
    const end = Math.min(this.edges.length, job.next + budget);
    this.drawEdges(ctx, job.next, end, v);
    job.next = end;
    if (end >= this.edges.length) this.drawNodes(ctx, v);
    ctx.getImageData(0, 0, 1, 1);
    if (end < this.edges.length) {
      this.schedule();
      return;
    }
    [this.scene, this.work] = [this.work, this.scene];
    this.wctx = this.context(this.work);
    this.sceneView = v;
    this.job = null;
    this.present();
  }

  private begin(v: View): void {
    this.refresh();
    this.job = { view: v, next: 0 };
    this.stale = false;
    const ctx = this.wctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, this.width, this.height);
  }

  /** Draw a complete picture now (MapView's first draw: the first frame shows the whole map). */
  render(): void {
    this.job = null;
    this.step(Infinity);
  }

  /** The last complete picture, moved and scaled to the current view. */
  private present(): void {
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, this.width, this.height);
    const s = this.sceneView;
    if (!s) return;
    const v = this.view();
    const k = v.zoom / s.zoom;
    // Only the part of the picture in view (zoomed far in, the whole of it would be huge).
    const ox = v.pan.x - s.pan.x * k, oy = v.pan.y - s.pan.y * k;
    const sx = Math.max(0, -ox / k), sy = Math.max(0, -oy / k);
    const sw = Math.min(this.width, (this.width - ox) / k) - sx, sh = Math.min(this.height, (this.height - oy) / k) - sy;
    // Nearest-pixel scaling: a filtered scale of the whole view costs tens of ms without a GPU.
    ctx.imageSmoothingEnabled = false;
    if (sw > 0 && sh > 0) ctx.drawImage(this.scene, sx, sy, sw, sh, ox + sx * k, oy + sy * k, sw * k, sh * k);
  }

  /** Read the model (elements, positions, classes) into plain arrays, edges in drawing order. */
  /** Bring the snapshot up to date: whole after adds and removes, else the changed elements alone. */
  private refresh(): void {
    if (this.dirty) {
      this.changed.clear();
      this.snapshot();
      return;
    }
    if (this.changed.size === 0) return;
    let resort = false;
    for (const ele of this.changed) {
      if (ele.removed()) continue;
      if (ele.isNode()) {
        const old = this.byId.get(ele.id());
        if (!old) continue;
        const p = ele.position();
        const z = old.z;
        Object.assign(old, nodeSnap(ele), { x: p.x, y: p.y });
        resort ||= old.z !== z;
      } else {
        const i = this.edgeAt.get(ele.id());
        if (i === undefined) continue;
        const old = this.edges[i];
        const e = edgeSnap(ele, old.s, old.t);
        this.edges[i] = e;
        resort ||= e.key !== old.key || e.z !== old.z;
      }
    }
    this.changed.clear();
    if (resort) this.order();
  }

  private order(): void {
    this.nodes.sort((a, b) => a.z - b.z);
    // By z, then by look, so that runs of the same look are stroked as one path.
    this.edges.sort((a, b) => a.z - b.z || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.edgeAt = new Map(this.edges.map((e, i) => [e.ele.id(), i]));
  }

  private snapshot(): void {
    this.byId = new Map();
    const nodes: NodeSnap[] = [];
    this.cy.nodes().forEach((n) => {
      const s = nodeSnap(n);
      const p = n.position();
      s.x = p.x;
      s.y = p.y;
      nodes.push(s);
      this.byId.set(n.id(), s);
    });
    const edges: EdgeSnap[] = [];
    this.cy.edges().forEach((e) => {
      const s = this.byId.get(e.data('source') as string);
      const t = this.byId.get(e.data('target') as string);
      if (s && t) edges.push(edgeSnap(e, s, t));
    });
    this.nodes = nodes;
    this.edges = edges;
    this.order();
    this.dirty = false;
  }

  /**
   * Edges [from, to) of the drawing order, those in view. Lines go in screen coordinates: stroked
   * through a scaling transform, Skia took 0.6 s for 10,000 edges against 0.05 s here.
   */
  private drawEdges(ctx: CanvasRenderingContext2D, from: number, to: number, v: View): void {
    const { zoom, pan } = v;
    const W = this.width, H = this.height;
    const list = this.edges;
    ctx.lineCap = 'butt';
    let i = from;
    while (i < to) {
      const f = list[i];
      let j = i;
      const run: EdgeSnap[] = [];
      for (; j < to && list[j].key === f.key && list[j].z === f.z; j++) {
        const e = list[j];
        const sx = e.s.x * zoom + pan.x, sy = e.s.y * zoom + pan.y, tx = e.t.x * zoom + pan.x, ty = e.t.y * zoom + pan.y;
        if (Math.max(sx, tx) < 0 || Math.min(sx, tx) > W || Math.max(sy, ty) < 0 || Math.min(sy, ty) > H) continue;
        run.push(e);
      }
      i = j;
      if (run.length === 0) continue;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalAlpha = f.alpha;
      ctx.strokeStyle = f.color;
      // Zoomed out, at most 1 px: Skia draws those as hairlines, far faster than wider strokes
      // (0.8 s against 0.1 s for 10,000 edges here); thinner ones fade as in Cytoscape.
      ctx.lineWidth = zoom < this.arrowZoom ? Math.min(1, f.width * zoom) : f.width * zoom;
      ctx.setLineDash(f.dash ? [6 * zoom, 3 * zoom] : []);
      ctx.beginPath();
      for (const e of run) {
        ctx.moveTo(e.s.x * zoom + pan.x, e.s.y * zoom + pan.y);
        ctx.lineTo(e.t.x * zoom + pan.x, e.t.y * zoom + pan.y);
      }
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.setTransform(zoom, 0, 0, zoom, pan.x, pan.y);
      if (f.arrow || zoom >= this.arrowZoom) {
        ctx.fillStyle = f.color;
        ctx.beginPath();
        for (const e of run) arrowPath(ctx, e);
        ctx.fill();
      }
      for (const e of run) if (e.label) edgeLabel(ctx, e);
    }
    ctx.globalAlpha = 1;
  }

  private drawNodes(ctx: CanvasRenderingContext2D, v: View): void {
    const { zoom, pan } = v;
    ctx.setTransform(zoom, 0, 0, zoom, pan.x, pan.y);
    // In view, with a margin for captions.
    const x1 = -pan.x / zoom - 100, y1 = -pan.y / zoom - 100;
    const x2 = (this.width - pan.x) / zoom + 100, y2 = (this.height - pan.y) / zoom + 100;
    const visible = this.nodes.filter((n) => n.x + n.r >= x1 && n.x - n.r <= x2 && n.y + n.r >= y1 && n.y - n.r <= y2);
    // Plain nodes (the bulk) in one path per look; the rest one by one, in z order.
    const plain = new Map<string, NodeSnap[]>();
    const special: NodeSnap[] = [];
    for (const n of visible) {
      if (n.shape === 'disc' && !n.dash && n.z === 0 && !n.fresh) {
        const k = `${n.fill}|${n.border}|${n.borderW}|${n.alpha}`;
        const g = plain.get(k);
        if (g) g.push(n);
        else plain.set(k, [n]);
      } else special.push(n);
    }
    for (const g of plain.values()) {
      const f = g[0];
      ctx.globalAlpha = f.alpha;
      ctx.beginPath();
      for (const n of g) {
        ctx.moveTo(n.x + n.r, n.y);
        ctx.arc(n.x, n.y, n.r, 0, 2 * Math.PI);
      }
      ctx.fillStyle = f.fill;
      ctx.fill();
      ctx.lineWidth = f.borderW;
      ctx.strokeStyle = f.border;
      ctx.stroke();
    }
    for (const n of special) drawNode(ctx, n);
    ctx.globalAlpha = 1;
    // Captions, when big enough on screen to read.
    const shown = visible.filter((n) => n.caption && n.font * zoom >= MIN_FONT);
    if (shown.length === 0) return;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    let font = '';
    for (const n of shown) {
      const f = `${n.font}px ${MAP_FONT_FAMILY}`;
      if (f !== font) ctx.font = font = f;
      ctx.globalAlpha = n.alpha;
      ctx.fillStyle = n.text;
      n.caption.split('\n').forEach((line, i) => ctx.fillText(line, n.x, n.y + n.r + CAPTION_GAP + i * n.font));
    }
    ctx.globalAlpha = 1;
  }
  // ---- input ------------------------------------------------------------------------------

  private at(ev: MouseEvent): Position {
    const b = this.canvas.getBoundingClientRect();
    return { x: ev.clientX - b.left, y: ev.clientY - b.top };
  }

  /** The node under a point (rendered coordinates), else the nearest edge within a few pixels. */
  private hit(p: Position): Hit {
    this.refresh();
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    const mx = (p.x - pan.x) / zoom, my = (p.y - pan.y) / zoom;
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i];
      const dx = mx - n.x, dy = my - n.y;
      if (n.shape === 'disc' ? dx * dx + dy * dy <= n.r * n.r : Math.abs(dx) <= n.r && Math.abs(dy) <= n.r) return { node: n };
    }
    let best: EdgeSnap | undefined;
    let bestD = Infinity;
    for (const e of this.edges) {
      const tol = Math.max(e.width / 2, 4 / zoom);
      const ex = e.t.x - e.s.x, ey = e.t.y - e.s.y;
      const l2 = ex * ex + ey * ey || 1;
      const u = Math.max(0, Math.min(1, ((mx - e.s.x) * ex + (my - e.s.y) * ey) / l2));
      const d = Math.hypot(mx - (e.s.x + u * ex), my - (e.s.y + u * ey));
      if (d <= tol && d < bestD) {
        best = e;
        bestD = d;
      }
    }
    return best ? { edge: best } : {};
  }

  private emit(target: NodeSingular | EdgeSingular | Core, type: string, p: Position): void {
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    target.emit({ type, renderedPosition: p, position: { x: (p.x - pan.x) / zoom, y: (p.y - pan.y) / zoom } } as unknown as string);
  }

  private listen(): void {
    const c = this.canvas;
    let down: { p: Position; pan: Position; node?: NodeSnap; start?: Position; moved: boolean } | null = null;
    const onDown = (ev: PointerEvent): void => {
      if (ev.button !== 0) return;
      const p = this.at(ev);
      const h = this.hit(p);
      down = { p, pan: { ...this.cy.pan() }, moved: false, ...(h.node ? { node: h.node, start: { ...h.node.ele.position() } } : {}) };
      c.setPointerCapture(ev.pointerId);
    };
    const onMove = (ev: PointerEvent): void => {
      const p = this.at(ev);
      if (down) {
        const dx = p.x - down.p.x, dy = p.y - down.p.y;
        if (!down.moved && Math.hypot(dx, dy) < TAP_SLOP) return;
        down.moved = true;
        if (down.node && down.start) {
          const z = this.cy.zoom();
          down.node.ele.position({ x: down.start.x + dx / z, y: down.start.y + dy / z });
        } else this.cy.pan({ x: down.pan.x + dx, y: down.pan.y + dy });
        return;
      }
      const h = this.hit(p);
      const ele = h.node?.ele ?? h.edge?.ele ?? null;
      if (ele === this.hovered) return;
      if (this.hovered) this.emit(this.hovered, 'mouseout', p);
      this.hovered = ele;
      if (ele) this.emit(ele, 'mouseover', p);
      c.style.cursor = ele ? 'pointer' : '';
    };
    const onUp = (ev: PointerEvent): void => {
      if (!down) return;
      const d = down;
      down = null;
      const p = this.at(ev);
      if (d.moved) {
        if (d.node) this.emit(d.node.ele, 'dragfree', p);
        return;
      }
      const h = this.hit(p);
      const ele = h.node?.ele ?? h.edge?.ele ?? null;
      // Selection as Cytoscape's renderer does it (selectionType 'single').
      this.cy.batch(() => {
        this.cy.elements(':selected').unselect();
        ele?.select();
      });
      this.emit(ele ?? this.cy, 'tap', p);
      const id = ele ? ele.id() : '';
      const now = performance.now();
      if (this.lastTap && this.lastTap.id === id && now - this.lastTap.at < DBLTAP_MS) {
        this.lastTap = null;
        this.emit(ele ?? this.cy, 'dbltap', p);
      } else this.lastTap = { id, at: now };
    };
    const onLeave = (ev: PointerEvent): void => {
      if (down || !this.hovered) return;
      this.emit(this.hovered, 'mouseout', this.at(ev));
      this.hovered = null;
    };
    const onWheel = (ev: WheelEvent): void => {
      ev.preventDefault();
      const dy = ev.deltaMode === 1 ? ev.deltaY * 33 : ev.deltaY;
      const level = this.cy.zoom() * Math.pow(10, -dy / 1000);
      this.cy.zoom({ level: Math.min(this.cy.maxZoom(), Math.max(this.cy.minZoom(), level)), renderedPosition: this.at(ev) });
    };
    c.addEventListener('pointerdown', onDown);
    c.addEventListener('pointermove', onMove);
    c.addEventListener('pointerup', onUp);
    c.addEventListener('pointerleave', onLeave);
    c.addEventListener('wheel', onWheel, { passive: false });
  }
}
