/** Test helpers for Prometheus metrics: read the text format, sum samples, and the datagrams to count. */
import { v5Packet, type V5Flow } from './flowexport-builders.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of NAME's samples whose labels include `where`; null when there is none. */
export function metricSum(samples: readonly Sample[], name: string, where: Record<string, string> = {}): number | null {
  const hits = samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
  return hits.length === 0 ? null : hits.reduce((n, s) => n + s.value, 0);
}

/**
 * NetFlow v5 datagrams with known health: DATAGRAMS good ones of FLOWS_PER records each, whose
 * sequence skips one datagram after the second (one gap), and one truncated datagram (one decode error).
 */
export const V5_PLAN = { good: 6, flowsPer: 10, gaps: 1, errors: 1 } as const;
export function v5PlanDatagrams(): Buffer[] {
  const flow = (d: number, i: number): V5Flow => ({ src: `10.1.${d}.${i + 1}`, dst: '192.168.9.1', srcPort: 40000 + i, dstPort: 443, proto: 6, packets: 5, bytes: 500, first: 90_000, last: 99_000 });
  const unix = Math.floor(Date.now() / 1000);
  const good = Array.from({ length: V5_PLAN.good }, (_, d) =>
    v5Packet({ seq: (d < 2 ? d : d + 1) * V5_PLAN.flowsPer, sysUptime: 100_000, unixSecs: unix, flows: Array.from({ length: V5_PLAN.flowsPer }, (_, i) => flow(d, i)) }),
  );
  // A header promising 10 records followed by half of one.
  const truncated = v5Packet({ seq: (V5_PLAN.good + 1) * V5_PLAN.flowsPer, unixSecs: unix, flows: [flow(99, 0)] }).subarray(0, 24 + 24);
  truncated.writeUInt16BE(10, 2);
  return [...good, truncated];
}
