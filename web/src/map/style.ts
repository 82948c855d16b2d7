/**
 * The map's Cytoscape stylesheet. Big maps trade looks for speed: straight "haystack" edges with a
 * mid arrow instead of curved ones, no edge labels, thinner text (see `big`).
 */
import type { StylesheetJson, StylesheetJsonBlock } from 'cytoscape';
import { CAPTION_GAP, CONTAINER_FONT, CONTAINER_PAD, MAP_FONT_FAMILY } from './app-positions.js';

/**
 * The map's colours and opacities, named once: this stylesheet and fast-canvas.ts (which draws big
 * maps without Cytoscape's renderer) must look the same.
 */
export const MAP_COLORS = {
  host: '#4a76a8',
  hostBorder: '#2f5378',
  text: '#1d2733',
  textBackground: '#ffffff',
  group: '#5b9a5b',
  groupBorder: '#3d6e3d',
  other: '#ffffff',
  otherBorder: '#5b6b7b',
  otherText: '#555555',
  container: '#b8a86a',
  containerBorder: '#7d6f3a',
  added: '#009e73',
  removed: '#d62728',
  grown: '#e69f00',
  shrunk: '#0072b2',
  selected: '#e69f00',
  depTarget: '#cc79a7',
  found: '#d55e00',
  fresh: '#009e73',
} as const;

export const MAP_OPACITY = { bigEdge: 0.55, sharedEdge: 0.22, cmpSame: 0.15, faded: 0.12 } as const;

const C = MAP_COLORS;

const BIG_ARROWS: StylesheetJsonBlock = {
  selector: 'edge.arrows, edge:selected, edge.hover',
  style: { 'mid-target-arrow-shape': 'triangle', 'mid-target-arrow-color': 'data(color)', 'arrow-scale': 0.8 },
};

export function mapStyle(big: boolean): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        width: 'data(size)',
        height: 'data(size)',
        'background-color': C.host,
        'border-width': 1,
        'border-color': C.hostBorder,
        label: 'data(caption)',
        'font-size': 'data(font)',
        'font-family': MAP_FONT_FAMILY,
        'min-zoomed-font-size': big ? 9 : 6,
        'text-wrap': 'wrap',
        'text-max-width': '180px',
        'text-valign': 'bottom',
        'text-margin-y': CAPTION_GAP,
        color: C.text,
        'text-background-color': C.textBackground,
        'text-background-opacity': big ? 0 : 0.7,
        'text-background-padding': '1px',
      },
    },
    { selector: 'node[kind = "group"], node[kind = "subnet"]', style: { shape: 'round-rectangle', 'background-color': C.group, 'border-color': C.groupBorder } },
    {
      selector: 'node[kind = "other"]',
      style: { shape: 'round-rectangle', 'background-color': C.other, 'border-style': 'dashed', 'border-width': 2, 'border-color': C.otherBorder, color: C.otherText },
    },
    {
      selector: 'node[kind = "container"].expanded',
      style: {
        shape: 'round-rectangle',
        'background-color': '#f6f6f2',
        'background-opacity': 0.6,
        'border-color': '#9a9a8a',
        'text-valign': 'top',
        'text-halign': 'center',
        'font-size': CONTAINER_FONT,
        'font-weight': 'bold',
        color: '#555544',
        padding: `${CONTAINER_PAD}px`,
      },
    },
    {
      selector: 'node[kind = "container"].collapsed',
      style: { shape: 'round-rectangle', 'background-color': C.container, 'border-color': C.containerBorder, 'border-width': 2, 'border-style': 'double' },
    },
    {
      selector: 'edge',
      style: big
        ? {
            // curve-style 'haystack' (radius 0) is Cytoscape's default: left unset, 10,000 edges
            // parse two properties fewer.
            width: 'data(width)',
            'line-color': 'data(color)',
            opacity: MAP_OPACITY.bigEdge,
          }
        : {
            'curve-style': 'bezier',
            width: 'data(width)',
            'line-color': 'data(color)',
            'target-arrow-shape': 'triangle',
            'target-arrow-color': 'data(color)',
            'arrow-scale': 0.8,
            opacity: 0.8,
          },
    },
    { selector: 'edge.other', style: { 'line-style': 'dashed' } },
    { selector: 'edge.shared-edge', style: { opacity: MAP_OPACITY.sharedEdge } },
    // Compare mode (diff-overlay.ts): what changed in colour, the rest stepped back.
    { selector: '.cmp-same', style: { opacity: MAP_OPACITY.cmpSame } },
    { selector: 'edge.cmp-added', style: { 'line-color': C.added, 'target-arrow-color': C.added, 'mid-target-arrow-color': C.added, width: 4, opacity: 1, 'z-index': 18 } },
    { selector: 'edge.cmp-removed', style: { 'line-color': C.removed, 'target-arrow-color': C.removed, 'mid-target-arrow-color': C.removed, 'line-style': 'dashed', width: 4, opacity: 1, 'z-index': 18 } },
    { selector: 'edge.cmp-grown', style: { 'line-color': C.grown, 'target-arrow-color': C.grown, 'mid-target-arrow-color': C.grown, width: 4, opacity: 1, 'z-index': 18 } },
    { selector: 'edge.cmp-shrunk', style: { 'line-color': C.shrunk, 'target-arrow-color': C.shrunk, 'mid-target-arrow-color': C.shrunk, width: 4, opacity: 1, 'z-index': 18 } },
    { selector: 'node.cmp-new-host', style: { 'border-width': 4, 'border-color': C.added } },
    { selector: 'node.cmp-gone-host', style: { 'border-width': 4, 'border-color': C.removed, 'border-style': 'dashed' } },
    // Big maps: drawing 10,000 arrowheads costs half a second per frame, so they appear only when
    // zoomed in far enough to see them (view.ts toggles the class) and on the edges in focus.
    ...(big ? [BIG_ARROWS] : []),
    {
      selector: 'edge.hover, edge:selected',
      style: { label: 'data(label)', 'font-size': 11, color: C.text, 'text-background-color': C.textBackground, 'text-background-opacity': 0.85, 'text-rotation': 'autorotate', opacity: 1, 'z-index': 20 },
    },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': C.selected } },
    { selector: 'edge:selected', style: { 'line-color': C.selected, 'target-arrow-color': C.selected, 'mid-target-arrow-color': C.selected } },
    { selector: '.faded', style: { opacity: MAP_OPACITY.faded } },
    // The dependency view (highlight.ts): the answer's dependencies drawn fully, the target ringed.
    { selector: 'edge.dep-kept', style: { opacity: 1, 'z-index': 15 } },
    { selector: 'node.dep-target', style: { 'border-width': 5, 'border-color': C.depTarget, 'z-index': 25 } },
    { selector: 'node.found', style: { 'border-width': 6, 'border-color': C.found, 'z-index': 30 } },
    { selector: '.fresh', style: { 'overlay-color': C.fresh, 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
  ];
}
