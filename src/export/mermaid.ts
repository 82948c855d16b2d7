/** Mermaid flowchart (for Markdown docs): groups as subgraphs, edges labelled with service and bytes. */
import type { DepGraph, GraphNode } from '../graph/model.js';
import { mermaidText } from './escape.js';
import { edgeText, edgeWidth, nodeLines } from './labels.js';

export function renderMermaid(g: DepGraph): string {
  const o: string[] = ['flowchart LR'];
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const inGroup = new Set<string>();
  for (const grp of g.groups) {
    o.push(`  subgraph ${grp.id} ["${mermaidText(grp.name)}"]`);
    for (const id of grp.members) {
      const n = byId.get(id);
      if (!n) continue;
      inGroup.add(id);
      o.push(`    ${node(n)}`);
    }
    o.push('  end');
  }
  for (const n of g.nodes) if (!inGroup.has(n.id)) o.push(`  ${node(n)}`);
  g.edges.forEach((e) => {
    const arrow = e.proto === 'various' ? '-.->' : edgeWidth(e, g) >= 5 ? '==>' : '-->';
    o.push(`  ${e.source} ${arrow}|"${mermaidText(edgeText(e))}"| ${e.target}`);
  });
  o.push('  classDef other stroke-dasharray: 4 3');
  const others = g.nodes.filter((n) => n.kind === 'other').map((n) => n.id);
  if (others.length) o.push(`  class ${others.join(',')} other`);
  return `${o.join('\n')}\n`;
}

function node(n: GraphNode): string {
  const text = nodeLines(n).map(mermaidText).join('<br/>');
  return n.kind === 'host' ? `${n.id}["${text}"]` : `${n.id}(["${text}"])`;
}
