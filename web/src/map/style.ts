/**
 * The map's Cytoscape stylesheet. Big maps trade looks for speed: straight "haystack" edges with a
 * mid arrow instead of curved ones, no edge labels, thinner text (see `big`).
 */
import type { StylesheetJson, StylesheetJsonBlock } from 'cytoscape';
import { CAPTION_GAP, CONTAINER_FONT, CONTAINER_PAD, MAP_FONT_FAMILY } from './app-positions.js';

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
        'background-color': '#4a76a8',
        'border-width': 1,
        'border-color': '#2f5378',
        label: 'data(caption)',
        'font-size': 'data(font)',
        'font-family': MAP_FONT_FAMILY,
        'min-zoomed-font-size': big ? 9 : 6,
        'text-wrap': 'wrap',
        'text-max-width': '180px',
        'text-valign': 'bottom',
        'text-margin-y': CAPTION_GAP,
        color: '#1d2733',
        'text-background-color': '#ffffff',
        'text-background-opacity': big ? 0 : 0.7,
        'text-background-padding': '1px',
      },
    },
    { selector: 'node[kind = "group"], node[kind = "subnet"]', style: { shape: 'round-rectangle', 'background-color': '#5b9a5b', 'border-color': '#3d6e3d' } },
    {
      selector: 'node[kind = "other"]',
      style: { shape: 'round-rectangle', 'background-color': '#ffffff', 'border-style': 'dashed', 'border-width': 2, 'border-color': '#5b6b7b', color: '#555555' },
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
      style: { shape: 'round-rectangle', 'background-color': '#b8a86a', 'border-color': '#7d6f3a', 'border-width': 2, 'border-style': 'double' },
    },
    {
      selector: 'edge',
      style: big
        ? {
            // curve-style 'haystack' (radius 0) is Cytoscape's default: left unset, 10,000 edges
            // parse two properties fewer.
            width: 'data(width)',
            'line-color': 'data(color)',
            opacity: 0.55,
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
    { selector: 'edge.shared-edge', style: { opacity: 0.22 } },
    // Compare mode (diff-overlay.ts): what changed in colour, the rest stepped back.
    { selector: '.cmp-same', style: { opacity: 0.15 } },
    { selector: 'edge.cmp-added', style: { 'line-color': '#009e73', 'target-arrow-color': '#009e73', 'mid-target-arrow-color': '#009e73', width: 4, opacity: 1, 'z-index': 18 } },
    { selector: 'edge.cmp-removed', style: { 'line-color': '#d62728', 'target-arrow-color': '#d62728', 'mid-target-arrow-color': '#d62728', 'line-style': 'dashed', width: 4, opacity: 1, 'z-index': 18 } },
    { selector: 'edge.cmp-grown', style: { 'line-color': '#e69f00', 'target-arrow-color': '#e69f00', 'mid-target-arrow-color': '#e69f00', width: 4, opacity: 1, 'z-index': 18 } },
    { selector: 'edge.cmp-shrunk', style: { 'line-color': '#0072b2', 'target-arrow-color': '#0072b2', 'mid-target-arrow-color': '#0072b2', width: 4, opacity: 1, 'z-index': 18 } },
    { selector: 'node.cmp-new-host', style: { 'border-width': 4, 'border-color': '#009e73' } },
    { selector: 'node.cmp-gone-host', style: { 'border-width': 4, 'border-color': '#d62728', 'border-style': 'dashed' } },
    // Big maps: drawing 10,000 arrowheads costs half a second per frame, so they appear only when
    // zoomed in far enough to see them (view.ts toggles the class) and on the edges in focus.
    ...(big ? [BIG_ARROWS] : []),
    {
      selector: 'edge.hover, edge:selected',
      style: { label: 'data(label)', 'font-size': 11, color: '#1d2733', 'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-rotation': 'autorotate', opacity: 1, 'z-index': 20 },
    },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#e69f00' } },
    { selector: 'edge:selected', style: { 'line-color': '#e69f00', 'target-arrow-color': '#e69f00', 'mid-target-arrow-color': '#e69f00' } },
    { selector: '.faded', style: { opacity: 0.12 } },
    // The dependency view (highlight.ts): the answer's dependencies drawn fully, the target ringed.
    { selector: 'edge.dep-kept', style: { opacity: 1, 'z-index': 15 } },
    { selector: 'node.dep-target', style: { 'border-width': 5, 'border-color': '#cc79a7', 'z-index': 25 } },
    { selector: 'node.found', style: { 'border-width': 6, 'border-color': '#d55e00', 'z-index': 30 } },
    { selector: '.fresh', style: { 'overlay-color': '#009e73', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
  ];
}
