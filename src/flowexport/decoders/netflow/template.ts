import { exactLength, F, isOpaque } from './fields.js';

/** Field length that means "variable length, prefixed in the data" (IPFIX). */
export const VARIABLE = 0xffff;
/** Integers longer than this are skipped (they are not counters, and lose precision anyway). */
const MAX_INT_LEN = 8;

/**
 * A (options) template compiled into a field plan: one kind (what to do, see fields.ts) and one
 * length per field. Owned by one exporter/domain; `age` orders templates for eviction.
 */
export interface Template {
  readonly id: number;
  readonly options: boolean;
  readonly kinds: Uint8Array;
  readonly lens: Uint16Array;
  /** Shortest possible record: fixed lengths plus one length byte per variable field. 0 = unusable. */
  readonly minLen: number;
  /** A decoded field has a variable length: its records may each set different fields. */
  readonly variable: boolean;
  /** Text of the definition, to tell a refresh from a redefinition. */
  readonly signature: string;
  /** receivedMs of the last time the exporter sent it. */
  refreshedMs: number;
}

/**
 * Compile field specifiers (ids, enterprise numbers, lengths) into a template. In v9 options
 * templates the first `scopeCount` fields are scope types, not information elements: skipped.
 */
export function compileTemplate(
  id: number, ids: readonly number[], pens: readonly number[], lens: readonly number[],
  kindOf: (id: number, pen: number) => number, options: boolean, skipScope: number, nowMs: number,
): Template {
  const n = ids.length;
  const kinds = new Uint8Array(n);
  const l16 = new Uint16Array(n);
  let minLen = 0;
  let variable = false;
  let sig = options ? 'o' : 'd';
  for (let i = 0; i < n; i++) {
    const len = lens[i];
    let kind = i < skipScope ? F.SKIP : kindOf(ids[i], pens[i]);
    const exact = exactLength(kind);
    if (len !== VARIABLE && !isOpaque(kind) && (exact !== 0 ? len !== exact : len > MAX_INT_LEN)) kind = F.SKIP;
    kinds[i] = kind;
    l16[i] = len;
    minLen += len === VARIABLE ? 1 : len;
    if (len === VARIABLE && kind !== F.SKIP) variable = true;
    sig += `,${pens[i]}:${ids[i]}:${len}`;
  }
  return { id, options, kinds, lens: l16, minLen, variable, signature: sig, refreshedMs: nowMs };
}
