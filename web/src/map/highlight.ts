/**
 * Dimming the map around an answer (the dependency view): everything fades except the given
 * elements, the containers holding them (a faded parent would fade its children too) and the
 * target, which is ringed. Clearing restores the map; classes only, so no layout moves.
 */
import type { Core } from 'cytoscape';

export const FADED = 'faded';
export const KEPT = 'dep-kept';
export const TARGET = 'dep-target';

export function dimExcept(cy: Core, keep: ReadonlySet<string>, targets: ReadonlySet<string>): void {
  cy.batch(() => {
    clearDim(cy);
    let kept = cy.collection();
    for (const id of keep) kept = kept.union(cy.getElementById(id));
    kept = kept.union(kept.nodes().ancestors());
    cy.elements().difference(kept).addClass(FADED);
    kept.addClass(KEPT);
    for (const id of targets) cy.getElementById(id).addClass(TARGET);
  });
}

export function clearDim(cy: Core): void {
  cy.elements(`.${FADED}, .${KEPT}, .${TARGET}`).removeClass(`${FADED} ${KEPT} ${TARGET}`);
}
