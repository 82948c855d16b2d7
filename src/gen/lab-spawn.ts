/**
 * Which conversation a lab run starts next: a template drawn by weight, then a client and a server of
 * it. A site with `coverAllPairs` first walks every (template, client, server) pair once, in seeded
 * order, so that every intended pair occurs in a long enough capture.
 */
import type { LabHost, LabSite, Template } from './lab-site.js';
import type { Prng } from './prng.js';

/** Up to this many templates the linear scan is used: the home lab's output depends on it. */
const LINEAR_TEMPLATES = 64;

export class SpawnPicker {
  tpl!: Template;
  client!: LabHost;
  server!: LabHost;
  private readonly weights: number[];
  private readonly totalWeight: number;
  private readonly cumulative: Float64Array | null;
  /** Pending sweep pairs as [template, client index, server index] triples, in spawn order. */
  private readonly sweep: Int32Array;
  private swept = 0;

  constructor(
    private readonly site: LabSite,
    private readonly rng: Prng,
  ) {
    const templates = site.templates;
    this.weights = templates.map((t) => t.weight);
    this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
    this.cumulative = templates.length > LINEAR_TEMPLATES ? runningSums(this.weights) : null;
    this.sweep = site.coverAllPairs ? shuffledPairs(templates, rng) : new Int32Array(0);
  }

  /** Sets tpl, client and server for the next conversation. */
  next(): void {
    const rng = this.rng;
    const templates = this.site.templates;
    if (this.swept < this.sweep.length) {
      const s = this.sweep;
      const k = this.swept;
      this.swept += 3;
      this.tpl = templates[s[k]];
      this.client = this.tpl.clients[s[k + 1]];
      this.server = this.tpl.servers[s[k + 2]];
    } else {
      const i = this.cumulative ? rng.weightedCumulative(this.cumulative) : rng.weighted(this.weights, this.totalWeight);
      this.tpl = templates[i];
      this.client = rng.pick(this.tpl.clients);
      this.server = rng.pick(this.tpl.servers);
    }
    if (this.server === this.client) this.server = this.tpl.servers.find((s) => s !== this.client) ?? this.site.router;
  }
}

function runningSums(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) out[i] = sum += weights[i];
  return out;
}

/** Every (template, client, server) index triple, Fisher-Yates shuffled (by triple). */
function shuffledPairs(templates: readonly Template[], rng: Prng): Int32Array {
  let n = 0;
  for (const t of templates) n += t.clients.length * t.servers.length;
  const out = new Int32Array(n * 3);
  let k = 0;
  templates.forEach((t, ti) => {
    for (let c = 0; c < t.clients.length; c++) {
      for (let s = 0; s < t.servers.length; s++) {
        out[k++] = ti;
        out[k++] = c;
        out[k++] = s;
      }
    }
  });
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    for (let f = 0; f < 3; f++) {
      const tmp = out[i * 3 + f];
      out[i * 3 + f] = out[j * 3 + f];
      out[j * 3 + f] = tmp;
    }
  }
  return out;
}
