/**
 * Layout by map size. Small maps: fcose 'default' (spectral start + force refinement), which reads
 * best. Its refinement grows fast with size (minutes at 2,000 nodes / 10,000 edges) and even the
 * spectral 'draft' alone takes seconds there, so big maps use cluster-layout.ts instead
 * (bench/web-scale.mjs measures it).
 */
import type { FcoseLayoutOptions } from 'cytoscape-fcose';

/** Maps at least this big (nodes or edges) are "big": cheaper layout, renderer and style. */
export const BIG_NODES = 400;
export const BIG_EDGES = 1200;

export const isBig = (nodes: number, edges: number): boolean => nodes >= BIG_NODES || edges >= BIG_EDGES;

/** fcose settings for maps below the big threshold (a 'draft' fallback if called for bigger ones). */
export function layoutOptions(nodes: number, edges: number): FcoseLayoutOptions {
  const big = isBig(nodes, edges);
  return {
    name: 'fcose',
    quality: big ? 'draft' : 'default',
    randomize: true,
    animate: false,
    fit: true,
    padding: 30,
    nodeDimensionsIncludeLabels: false,
    uniformNodeDimensions: false,
    packComponents: false,
    nodeSeparation: 90,
    idealEdgeLength: () => (big ? 60 : 110),
    nodeRepulsion: () => 6000,
    numIter: big ? 600 : 2500,
    tile: true,
    tilingPaddingVertical: 20,
    tilingPaddingHorizontal: 20,
  };
}
