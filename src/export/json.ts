/** The graph model as JSON: the machine-readable form (and what the web app reads). */
import type { DepGraph } from '../graph/model.js';

export function renderJson(g: DepGraph): string {
  return `${JSON.stringify(g, null, 2)}\n`;
}
