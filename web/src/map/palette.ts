/**
 * Edge colours by service, with the exports' palette (src/export/labels.ts). Colours stick for the
 * life of the page: a service keeps its colour when filters or live updates change the ranking; the
 * heaviest services take free colours first, the rest (and folded traffic) are grey.
 */
import type { DepGraph, GraphEdge } from '../../../src/api/types.js';
import { GREY, PALETTE } from '../../../src/export/labels.js';

const keyOf = (e: Pick<GraphEdge, 'service' | 'port' | 'proto'>): string => e.service ?? `${e.port}/${e.proto}`;

export class Palette {
  private readonly assigned = new Map<string, string>();

  /** Give colours to the heaviest services of this graph that have none yet (while colours are free). */
  update(g: DepGraph): void {
    const bytes = new Map<string, number>();
    for (const e of g.edges) if (e.proto !== 'various') bytes.set(keyOf(e), (bytes.get(keyOf(e)) ?? 0) + e.bytes);
    const ranked = [...bytes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, PALETTE.length);
    // Colours held by services no longer in view go back to the pool when the pool runs dry.
    const inView = new Set(bytes.keys());
    for (const [k] of ranked) {
      if (this.assigned.has(k)) continue;
      let free = PALETTE.find((c) => ![...this.assigned.values()].includes(c));
      if (!free) {
        const stale = [...this.assigned].find(([s]) => !inView.has(s) || !ranked.some(([r]) => r === s));
        if (!stale) break;
        this.assigned.delete(stale[0]);
        free = stale[1] as (typeof PALETTE)[number];
      }
      this.assigned.set(k, free);
    }
  }

  colorOf(e: Pick<GraphEdge, 'service' | 'port' | 'proto'>): string {
    return e.proto === 'various' ? GREY : (this.assigned.get(keyOf(e)) ?? GREY);
  }

  /** Legend entries for the services of this graph that have a colour, heaviest first. */
  legend(g: DepGraph): Array<{ service: string; color: string; bytes: number }> {
    const bytes = new Map<string, number>();
    for (const e of g.edges) if (e.proto !== 'various') bytes.set(keyOf(e), (bytes.get(keyOf(e)) ?? 0) + e.bytes);
    return [...bytes]
      .filter(([k]) => this.assigned.has(k))
      .sort((a, b) => b[1] - a[1])
      .map(([service, b]) => ({ service, color: this.assigned.get(service) as string, bytes: b }));
  }
}
