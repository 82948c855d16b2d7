/** What panels and tables can ask of the page: move the map to a node or an edge. */
import type { EdgeSel } from './state.js';

export interface Nav {
  /** Select and centre the node of this key (an address, group, subnet); switches to the map. */
  focusNode(key: string): void;
  focusEdge(e: EdgeSel): void;
  toggleGroup(name: string): void;
}
