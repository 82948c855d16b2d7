/** A binary max-heap of move candidates: highest gain first, then lowest atom, then lowest wave (deterministic). */
export interface Move {
  gain: number;
  atom: number;
  to: number;
}

const before = (x: Move, y: Move): boolean => x.gain > y.gain || (x.gain === y.gain && (x.atom < y.atom || (x.atom === y.atom && x.to < y.to)));

export class MoveHeap {
  private readonly items: Move[] = [];

  get size(): number {
    return this.items.length;
  }

  push(m: Move): void {
    const h = this.items;
    h.push(m);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  pop(): Move | undefined {
    const h = this.items;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop() as Move;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
