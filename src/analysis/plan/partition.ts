/**
 * Hosts -> waves under constraints, keeping communities whole where the constraints allow:
 *  1. blocks: the Louvain communities, merged where a --together atom spans several; a block that
 *     cannot stay whole (over capacity, two pins, an --apart pair inside) falls apart into its atoms;
 *  2. packing: blocks, pinned first then largest first, each into the allowed wave it is most
 *     connected to (an empty one while as many blocks as empty waves remain);
 *  3. refinement: Fiduccia–Mattheyses passes over atoms (best-gain moves, each atom moved once per
 *     pass, the pass rolled back to its best prefix) until a pass gains nothing.
 * Every move respects pins, --apart, capacity, and leaves no wave empty. All ties break on index, so
 * the same input gives the same waves.
 */
import { UsageError } from '../../util/errors.js';
import type { ResolvedConstraints } from './constraints.js';
import { MoveHeap } from './heap.js';
import type { PairGraph } from './pairs.js';

export interface PartitionInput {
  g: PairGraph;
  /** Plan weight of each pair (see planWeights). */
  weights: Float64Array;
  /** Community of each host. */
  community: Int32Array;
  cons: ResolvedConstraints;
  waves: number;
  /** Most hosts per wave. */
  capacity: number;
}

const MAX_PASSES = 20;
const EPS = 1e-12;

/** Wave (0-based) of each host. */
export function partition(input: PartitionInput): Int32Array {
  const s = new State(input);
  s.pack();
  s.fillEmptyWaves();
  for (let pass = 0; pass < MAX_PASSES; pass++) if (s.fmPass() <= EPS) break;
  const { atomOf } = input.cons;
  return Int32Array.from(atomOf, (a) => s.waveOf[a]);
}

class State {
  readonly n: number;
  readonly atoms: number;
  readonly size: Int32Array;
  /** Atom adjacency: [other atom, weight]. */
  readonly adj: Array<Array<[number, number]>>;
  readonly apartOf: number[][];
  readonly waveOf: Int32Array;
  readonly load: Int32Array;
  readonly count: Int32Array;
  /** conn[a * waves + w]: weight between atom a and the atoms in wave w. */
  readonly conn: Float64Array;

  constructor(private readonly input: PartitionInput) {
    const { g, weights, cons, waves, capacity } = input;
    this.n = g.hosts.length;
    this.atoms = cons.atomCount;
    this.size = new Int32Array(this.atoms);
    for (let i = 0; i < this.n; i++) this.size[cons.atomOf[i]]++;
    const acc: Array<Map<number, number>> = Array.from({ length: this.atoms }, () => new Map());
    g.pairs.forEach((p, i) => {
      const x = cons.atomOf[p.a];
      const y = cons.atomOf[p.b];
      if (x === y || weights[i] === 0) return;
      acc[x].set(y, (acc[x].get(y) ?? 0) + weights[i]);
      acc[y].set(x, (acc[y].get(x) ?? 0) + weights[i]);
    });
    this.adj = acc.map((m) => [...m].sort((p, q) => p[0] - q[0]));
    this.apartOf = Array.from({ length: this.atoms }, () => []);
    for (const [a, b] of cons.apart) {
      this.apartOf[a].push(b);
      this.apartOf[b].push(a);
    }
    this.waveOf = new Int32Array(this.atoms).fill(-1);
    this.load = new Int32Array(waves);
    this.count = new Int32Array(waves);
    this.conn = new Float64Array(this.atoms * waves);
    this.checkFeasible(capacity);
  }

  private checkFeasible(capacity: number): void {
    const { waves, cons } = this.input;
    if (this.n > waves * capacity) {
      throw new UsageError(`constraints conflict: ${waves} waves of at most ${capacity} hosts hold ${waves * capacity}, fewer than the ${this.n} hosts to plan`);
    }
    const pinned = new Int32Array(waves);
    for (let a = 0; a < this.atoms; a++) {
      if (this.size[a] > capacity) throw new UsageError(`constraints conflict: --together makes a group of ${this.size[a]} hosts, more than --max-hosts ${capacity}`);
      if (cons.atomPin[a] >= 0) pinned[cons.atomPin[a]] += this.size[a];
    }
    pinned.forEach((k, w) => {
      if (k > capacity) throw new UsageError(`constraints conflict: ${k} hosts are pinned to wave ${w + 1}, more than --max-hosts ${capacity}`);
    });
  }

  /** May atom a go to wave w (ignoring where it is now)? */
  private allowed(a: number, w: number): boolean {
    const pin = this.input.cons.atomPin[a];
    if (pin >= 0 && pin !== w) return false;
    if (this.load[w] + this.size[a] > this.input.capacity) return false;
    for (const b of this.apartOf[a]) if (this.waveOf[b] === w) return false;
    return true;
  }

  private place(a: number, w: number): void {
    const waves = this.input.waves;
    const from = this.waveOf[a];
    if (from >= 0) {
      this.load[from] -= this.size[a];
      this.count[from]--;
    }
    this.waveOf[a] = w;
    this.load[w] += this.size[a];
    this.count[w]++;
    for (const [b, wt] of this.adj[a]) {
      if (from >= 0) this.conn[b * waves + from] -= wt;
      this.conn[b * waves + w] += wt;
    }
  }

  /** Steps 1 and 2: blocks, then greedy packing by affinity. */
  pack(): void {
    const { g, community, cons, waves, capacity } = this.input;
    // Communities joined by a --together atom move as one block.
    const parent = Int32Array.from({ length: Math.max(...community, -1) + 1 }, (_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) i = parent[i] = parent[parent[i]];
      return i;
    };
    const firstComm = new Int32Array(this.atoms).fill(-1);
    for (let h = 0; h < g.hosts.length; h++) {
      const a = cons.atomOf[h];
      if (firstComm[a] < 0) firstComm[a] = community[h];
      else parent[find(community[h])] = find(firstComm[a]);
    }
    const blocks = new Map<number, number[]>();
    for (let a = 0; a < this.atoms; a++) {
      const b = find(firstComm[a]);
      const list = blocks.get(b);
      if (list) list.push(a);
      else blocks.set(b, [a]);
    }
    const units: number[][] = [];
    for (const atoms of blocks.values()) {
      if (this.wholeable(atoms, capacity)) units.push(atoms);
      else for (const a of atoms) units.push([a]);
    }
    const sizeOf = (u: number[]): number => u.reduce((s, a) => s + this.size[a], 0);
    const pinOf = (u: number[]): number => Math.max(...u.map((a) => cons.atomPin[a]));
    units.sort((x, y) => Number(pinOf(y) >= 0) - Number(pinOf(x) >= 0) || sizeOf(y) - sizeOf(x) || x[0] - y[0]);
    units.forEach((u, k) => {
      const unitSize = sizeOf(u);
      const pin = pinOf(u);
      const empty = this.count.reduce((m, c) => m + (c === 0 ? 1 : 0), 0);
      const mustFillEmpty = pin < 0 && units.length - k <= empty;
      let best = -1;
      let bestAff = -Infinity;
      for (let w = 0; w < waves; w++) {
        if (pin >= 0 && w !== pin) continue;
        if (mustFillEmpty && this.count[w] > 0) continue;
        if (this.load[w] + unitSize > capacity || u.some((a) => this.apartOf[a].some((b) => this.waveOf[b] === w))) continue;
        let aff = 0;
        for (const a of u) aff += this.conn[a * waves + w];
        if (aff > bestAff + EPS || (Math.abs(aff - bestAff) <= EPS && best >= 0 && this.load[w] < this.load[best])) {
          best = w;
          bestAff = aff;
        }
      }
      if (best < 0) {
        // No wave takes the block whole: its atoms go one by one.
        if (u.length > 1) {
          for (const a of u) this.placeAtom(a);
          return;
        }
        this.placeAtom(u[0]);
        return;
      }
      for (const a of u) this.place(a, best);
    });
  }

  private wholeable(atoms: number[], capacity: number): boolean {
    const { cons } = this.input;
    const inside = new Set(atoms);
    let size = 0;
    const pins = new Set<number>();
    for (const a of atoms) {
      size += this.size[a];
      if (cons.atomPin[a] >= 0) pins.add(cons.atomPin[a]);
      if (this.apartOf[a].some((b) => inside.has(b))) return false;
    }
    return size <= capacity && pins.size <= 1;
  }

  /** One atom into its most connected allowed wave (fewest hosts on a tie). */
  private placeAtom(a: number): void {
    const waves = this.input.waves;
    let best = -1;
    for (let w = 0; w < waves; w++) {
      if (!this.allowed(a, w)) continue;
      if (best < 0) best = w;
      else {
        const d = this.conn[a * waves + w] - this.conn[a * waves + best];
        if (d > EPS || (Math.abs(d) <= EPS && this.load[w] < this.load[best])) best = w;
      }
    }
    if (best < 0) throw new UsageError(this.whyNoWave(a));
    this.place(a, best);
  }

  private whyNoWave(a: number): string {
    const { g, cons, capacity } = this.input;
    const host = g.hosts[cons.atomOf.indexOf(a)];
    const blocked = this.apartOf[a].length ? ` and --apart keeps it from the waves of ${this.apartOf[a].length} other group(s)` : '';
    return `constraints conflict: no wave can take ${host}: every allowed wave already holds ${capacity} hosts (--max-hosts)${blocked}`;
  }

  /** Fewer blocks than waves: move the least attached free atoms out of the biggest waves. */
  fillEmptyWaves(): void {
    const { waves, cons } = this.input;
    for (let w = 0; w < waves; w++) {
      if (this.count[w] > 0) continue;
      let pick = -1;
      let pickScore = Infinity;
      for (let a = 0; a < this.atoms; a++) {
        const from = this.waveOf[a];
        if (cons.atomPin[a] >= 0 || this.count[from] < 2 || !this.allowed(a, w)) continue;
        // Least weight lost, from the fullest wave.
        const score = this.conn[a * waves + from] - this.conn[a * waves + w] - this.load[from] * 1e-9;
        if (score < pickScore - EPS) {
          pick = a;
          pickScore = score;
        }
      }
      if (pick >= 0) this.place(pick, w);
    }
  }

  private bestMove(a: number): { gain: number; to: number } | null {
    const { waves, cons } = this.input;
    const from = this.waveOf[a];
    if (cons.atomPin[a] >= 0 || this.count[from] < 2) return null;
    let best: { gain: number; to: number } | null = null;
    for (let w = 0; w < waves; w++) {
      if (w === from || !this.allowed(a, w)) continue;
      const gain = this.conn[a * waves + w] - this.conn[a * waves + from];
      if (!best || gain > best.gain + EPS) best = { gain, to: w };
    }
    return best;
  }

  /** One Fiduccia–Mattheyses pass; returns the gain kept (0 when the pass was rolled back entirely). */
  fmPass(): number {
    const heap = new MoveHeap();
    const locked = new Uint8Array(this.atoms);
    const push = (a: number): void => {
      const m = this.bestMove(a);
      if (m) heap.push({ gain: m.gain, atom: a, to: m.to });
    };
    for (let a = 0; a < this.atoms; a++) push(a);
    const moves: Array<{ atom: number; from: number }> = [];
    let total = 0;
    let bestTotal = 0;
    let bestAt = 0;
    // Long runs of losing moves rarely pay back: stop after this many past the best prefix.
    const patience = Math.max(50, this.atoms >> 3);
    while (heap.size > 0 && moves.length - bestAt < patience) {
      const m = heap.pop() as { gain: number; atom: number; to: number };
      if (locked[m.atom]) continue;
      const now = this.bestMove(m.atom);
      if (!now) continue;
      if (now.to !== m.to || Math.abs(now.gain - m.gain) > EPS) {
        heap.push({ gain: now.gain, atom: m.atom, to: now.to });
        continue;
      }
      moves.push({ atom: m.atom, from: this.waveOf[m.atom] });
      this.place(m.atom, m.to);
      locked[m.atom] = 1;
      total += m.gain;
      if (total > bestTotal + EPS) {
        bestTotal = total;
        bestAt = moves.length;
      }
      for (const [b] of this.adj[m.atom]) if (!locked[b]) push(b);
    }
    for (let i = moves.length - 1; i >= bestAt; i--) this.place(moves[i].atom, moves[i].from);
    return bestTotal;
  }
}
