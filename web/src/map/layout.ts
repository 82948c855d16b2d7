/**
 * Layout and renderer settings by map size, as measured (fcose in Node on the bench machine, lab-scale
 * maps of 2-3 edges per host): fcose 'default' (spectral start + force refinement) reads best but
 * takes 0.9 s at 200 nodes / 600 edges, 3.2 s at 400 / 1,200 and minutes at 2,000 / 10,000; the
 * spectral 'draft' alone takes 0.2 s at 400 / 1,200 and 0.6 s at 800 / 2,400 but 2.3 s at
 * 2,000 / 10,000. Beyond that, cluster-layout.ts (about 0.1-0.2 s at 2,000 / 10,000).
 */
import type { FcoseLayoutOptions } from 'cytoscape-fcose';

export type LayoutTier = 'default' | 'draft' | 'cluster';

export function layoutTier(nodes: number, edges: number): LayoutTier {
  if (nodes < 200 && edges < 600) return 'default';
  if (nodes < 1000 && edges < 3000) return 'draft';
  return 'cluster';
}

/** Maps at least this big (nodes or edges) get the fast renderer settings and style (view.ts, style.ts). */
export const BIG_NODES = 400;
export const BIG_EDGES = 1200;

export const isBig = (nodes: number, edges: number): boolean => nodes >= BIG_NODES || edges >= BIG_EDGES;

/** fcose settings for the 'default' and 'draft' tiers. */
export function layoutOptions(tier: Exclude<LayoutTier, 'cluster'>): FcoseLayoutOptions {
  const draft = tier === 'draft';
  return {
    name: 'fcose',
    quality: tier,
    randomize: true,
    animate: false,
    fit: true,
    padding: 30,
    nodeDimensionsIncludeLabels: false,
    uniformNodeDimensions: false,
    packComponents: false,
    nodeSeparation: 90,
    idealEdgeLength: () => (draft ? 70 : 110),
    nodeRepulsion: () => 6000,
    numIter: 2500,
    tile: true,
    tilingPaddingVertical: 20,
    tilingPaddingHorizontal: 20,
  };
}
