/** Graphviz DOT: left-to-right dependency flow, groups as clusters; Graphviz does its own layout. */
import type { DepGraph, GraphNode } from '../graph/model.js';
import { dotString } from './escape.js';
import { edgeLines, edgeWidth, legendText, nodeLines } from './labels.js';

export function renderDot(g: DepGraph): string {
  const out: string[] = [];
  out.push('digraph flowmap {');
  out.push('  graph [rankdir=LR, charset="UTF-8", fontname="Helvetica", fontsize=11, nodesep=0.4, ranksep=1.2, labelloc=b, label=' + dotString(legendText(g)) + '];');
  out.push('  node [shape=box, style="rounded,filled", fillcolor="#eef4fb", color="#4a76a8", fontname="Helvetica", fontsize=11];');
  out.push('  edge [color="#5b6b7b", fontname="Helvetica", fontsize=9, arrowsize=0.7];');
  const inGroup = new Set<string>();
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  g.groups.forEach((grp, i) => {
    out.push(`  subgraph cluster_${i + 1} {`);
    out.push(`    label=${dotString(grp.name)}; style="rounded,filled"; fillcolor="#f6f6f2"; color="#9a9a8a";`);
    for (const id of grp.members) {
      inGroup.add(id);
      const n = byId.get(id);
      if (n) out.push(`    ${nodeStmt(n)}`);
    }
    out.push('  }');
  });
  for (const n of g.nodes) if (!inGroup.has(n.id)) out.push(`  ${nodeStmt(n)}`);
  for (const e of g.edges) {
    out.push(`  ${e.source} -> ${e.target} [label=${dotString(edgeLines(e).join('\n'))}, penwidth=${edgeWidth(e, g)}${e.proto === 'various' ? ', style=dashed' : ''}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

function nodeStmt(n: GraphNode): string {
  const extra = n.kind === 'other' ? ', style="rounded,dashed", fillcolor="#ffffff"' : n.kind !== 'host' ? ', fillcolor="#e8f3e8"' : '';
  return `${n.id} [label=${dotString(nodeLines(n).join('\n'))}, tooltip=${dotString(n.addresses.join(' '))}${extra}];`;
}
