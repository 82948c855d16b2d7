/**
 * One export, start to finish once the graph is loaded: the layout for positioned formats (with the
 * cheaper ELK settings big maps need) and the rendering. Shared by `flowmap export` and the web
 * API's downloads, so both draw the same file for the same graph.
 */
import type { DepGraph } from '../graph/model.js';
import type { LayoutKind } from './layout.js';
import { POSITIONED, render, type ExportFormat } from './formats.js';

/** Measured: 3,000 dependencies take about 20 s to lay out; 10,000 still ran after 220 s with 1 GB. */
export const MAX_QUICK_LAYOUT_EDGES = 3000;
/**
 * Above this many dependencies the layered layout gives way to the block layout (app-layout.ts, as
 * `--layout clusters`). Measured against Graphviz `dot -Tsvg` on the same map: ELK took 1.6x dot's
 * time at 2,000 dependencies and 3.6x at 3,000; the block layout draws 3,000 in 0.2 s and 10,000 in
 * 0.5 s (dot: 5.6 s at 3,000).
 */
export const MAX_LAYERED_EDGES = 2000;
/** Mermaid's defaults (maxEdges 500, maxTextSize 50,000) also bind GitHub and most Markdown viewers. */
const MERMAID_MAX_EDGES = 500;
const MERMAID_MAX_TEXT = 50_000;

/** Things worth telling the person who asked (one line each, no prefix). */
export type NoteSink = (message: string) => void;

export async function produceExport(format: ExportFormat, graph: DepGraph, asked: LayoutKind, note: NoteSink = () => undefined): Promise<string | Uint8Array> {
  let layout = null;
  if (POSITIONED.has(format)) {
    const { layoutGraph, chooseEffort, EFFORT_LIMITS } = await import('./layout.js');
    const n = graph.edges.length;
    let layoutKind = asked;
    if (asked === 'layered' && n > MAX_LAYERED_EDGES) {
      layoutKind = 'clusters';
      note(`${n} dependencies (over ${MAX_LAYERED_EDGES}): drawn with the block layout (as --layout clusters: groups as blocks, the other hosts in rows), in seconds where the layered one takes minutes; --top ${MAX_LAYERED_EDGES} or fewer draws it layered`);
    }
    const effort = chooseEffort(n);
    // Big maps get cheaper ELK settings (layout.ts has the measurements): say so, and how to avoid it.
    if (layoutKind === 'layered' && effort !== 'full') {
      const how = effort === 'fast' ? 'one crossing sweep, linear-segment placement' : 'one crossing sweep, Brandes-Koepf placement; several seconds per 1,000 dependencies';
      note(`${n} dependencies (over ${EFFORT_LIMITS.full}): cheaper "${effort}" layout settings (${how}); --top ${EFFORT_LIMITS.full} draws the tidiest map`);
    } else if (layoutKind === 'force' && n > EFFORT_LIMITS.fast) {
      note(`laying out ${graph.nodes.length} nodes and ${n} dependencies; large maps take a while (--top N draws fewer)`);
      if (n > MAX_QUICK_LAYOUT_EDGES) note(`warning: the force layout of over ${MAX_QUICK_LAYOUT_EDGES} dependencies takes minutes and gigabytes; --layout layered (the block layout at this size) or --top ${MAX_QUICK_LAYOUT_EDGES}`);
    }
    layout = await layoutGraph(graph, layoutKind, layoutKind === 'clusters' ? 'full' : effort);
  }
  const data = await render(format, graph, layout);
  if (format === 'mermaid' && (graph.edges.length > MERMAID_MAX_EDGES || data.length > MERMAID_MAX_TEXT)) {
    note('warning: Mermaid renders at most 500 edges and 50,000 characters by default; use --top to draw fewer');
  }
  return data;
}
