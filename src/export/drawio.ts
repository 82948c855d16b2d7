/** A `.drawio` file (uncompressed mxGraph XML) with ELK's positions, groups as containers. */
import { OTHER_TAG, type Layout } from './layout.js';
import type { DepGraph } from '../graph/model.js';
import { xml } from './escape.js';
import { edgeLines, edgeWidth, legendText, nodeLines, serviceColors } from './labels.js';

export function renderDrawio(g: DepGraph, layout: Layout): string {
  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="UTF-8"?>');
  o.push('<mxfile host="flowmap" compressed="false"><diagram id="flowmap" name="Dependencies"><mxGraphModel grid="1" gridSize="10" arrows="1" connect="1" page="0"><root>');
  o.push('<mxCell id="0"/><mxCell id="1" parent="0"/>');
  const parentOf = new Map<string, string>();
  for (const grp of g.groups) {
    const b = layout.groups[grp.id];
    if (!b) continue;
    for (const m of grp.members) parentOf.set(m, grp.id);
    o.push(`<mxCell id="${grp.id}" value="${xml(grp.name)}" style="swimlane;container=1;collapsible=0;rounded=1;html=0;fillColor=#f6f6f2;strokeColor=#9a9a8a;startSize=26;" vertex="1" parent="1">`);
    o.push(`<mxGeometry x="${r(b.x)}" y="${r(b.y)}" width="${r(b.w)}" height="${r(b.h)}" as="geometry"/></mxCell>`);
  }
  for (const n of g.nodes) {
    const b = layout.nodes[n.id];
    if (!b) continue;
    const parent = parentOf.get(n.id);
    const pb = parent ? layout.groups[parent] : undefined;
    const x = pb ? b.x - pb.x : b.x;
    const y = pb ? b.y - pb.y : b.y;
    const style = n.kind === 'other' ? 'rounded=1;whiteSpace=wrap;html=0;dashed=1;fillColor=#ffffff;' : n.kind === 'host' ? 'rounded=1;whiteSpace=wrap;html=0;fillColor=#eef4fb;strokeColor=#4a76a8;' : 'rounded=1;whiteSpace=wrap;html=0;fillColor=#e8f3e8;strokeColor=#4a8a4a;';
    // html=0: the value is plain text, so a name can never become markup inside draw.io.
    o.push(`<mxCell id="${n.id}" value="${xml(nodeLines(n).join('\n'))}" tooltip="${xml(n.addresses.slice(0, 20).join(' '))}" style="${style}" vertex="1" parent="${parent ?? '1'}">`);
    o.push(`<mxGeometry x="${r(x)}" y="${r(y)}" width="${r(b.w)}" height="${r(b.h)}" as="geometry"/></mxCell>`);
  }
  // Folded traffic ends at its own small "other" tag, as in the SVG (layout.otherTags).
  const otherId = g.nodes.find((n) => n.kind === 'other')?.id;
  const { colorOf } = serviceColors(g);
  for (const e of g.edges) {
    const t = layout.otherTags[e.id];
    if (!t) continue;
    o.push(`<mxCell id="${e.id}_other" value="${OTHER_TAG}" tooltip="the hosts in &quot;other&quot;" style="rounded=1;whiteSpace=wrap;html=0;dashed=1;fillColor=#ffffff;fontSize=10;fontColor=#555555;" vertex="1" parent="1">`);
    o.push(`<mxGeometry x="${r(t.x)}" y="${r(t.y)}" width="${r(t.w)}" height="${r(t.h)}" as="geometry"/></mxCell>`);
  }
  for (const e of g.edges) {
    const route = layout.edges[e.id];
    const dashed = e.proto === 'various' ? 'dashed=1;' : '';
    const end = (id: string): string => (id === otherId && layout.otherTags[e.id] ? `${e.id}_other` : id);
    o.push(`<mxCell id="${e.id}" value="${xml(edgeLines(e).join('\n'))}" style="endArrow=classic;html=0;rounded=0;edgeStyle=none;strokeWidth=${edgeWidth(e, g)};strokeColor=${colorOf(e)};fontColor=${colorOf(e)};fontSize=10;labelBackgroundColor=#ffffff;${dashed}" edge="1" parent="1" source="${end(e.source)}" target="${end(e.target)}">`);
    const bends = route ? route.points.slice(1, -1) : [];
    if (bends.length) o.push(`<mxGeometry relative="1" as="geometry"><Array as="points">${bends.map((p) => `<mxPoint x="${r(p.x)}" y="${r(p.y)}"/>`).join('')}</Array></mxGeometry></mxCell>`);
    else o.push('<mxGeometry relative="1" as="geometry"/></mxCell>');
  }
  o.push(`<mxCell id="legend" value="${xml(legendText(g))}" style="text;html=0;fontSize=11;fontColor=#555555;align=left;" vertex="1" parent="1"><mxGeometry x="20" y="${r(layout.height + 4)}" width="${Math.max(400, layout.width - 40)}" height="24" as="geometry"/></mxCell>`);
  o.push('</root></mxGraphModel></diagram></mxfile>');
  return `${o.join('\n')}\n`;
}

function r(v: number): string {
  return String(Math.round(v));
}
