/**
 * Layout settings by map size. fcose's 'default' quality (spectral start + force refinement) reads
 * best but its refinement grows fast with size; above a few hundred nodes the spectral 'draft' alone
 * is what keeps the first draw of 2,000 hosts / 10,000 edges within the 3 s goal (bench/web-scale.mjs).
 */
import type { FcoseLayoutOptions } from 'cytoscape-fcose';

/** Maps at least this big (nodes or edges) are "big": cheaper layout, renderer and style. */
export const BIG_NODES = 400;
export const BIG_EDGES = 1200;

export const isBig = (nodes: number, edges: number): boolean => nodes >= BIG_NODES || edges >= BIG_EDGES;

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
