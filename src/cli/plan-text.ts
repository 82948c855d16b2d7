/**
 * `flowmap plan` for people: each wave with its hosts and its cross dependencies (bytes, p95), the
 * shared services, and the cut against the naive baseline. Exact numbers unless on a terminal.
 */
import type { PlanResult } from '../analysis/plan/plan.js';
import { serviceLabel } from '../graph/model.js';
import { formatTable, sanitize, type Column } from '../query/format.js';
import { formatBytes } from '../util/bytes.js';
import { formatBps } from '../util/rate.js';

interface CrossLine {
  client: string;
  server: string;
  service: string;
  other: string;
  bytes: number;
  p95: string;
}

const CROSS_COLUMNS: Column<CrossLine>[] = [
  { key: 'client' }, { key: 'server' }, { key: 'service' }, { key: 'other', header: 'other wave' }, { key: 'bytes', kind: 'bytes' }, { key: 'p95', header: 'p95', kind: 'number' },
];

export function formatPlanText(plan: PlanResult, tty: boolean, maxCross = 20): string {
  const bytes = (n: number): string => (tty ? formatBytes(n) : `${n} bytes`);
  const host = (h: { address: string; name: string | null; group: string | null }): string =>
    sanitize(`${h.address}${h.name ? ` ${h.name}` : ''}${h.group ? ` [${h.group}]` : ''}`);
  const out: string[] = [];
  for (const w of plan.waves) {
    const bps = (v: number): string => (tty ? formatBps(v) : `${v.toFixed(1)} bit/s`);
    const link = w.cross_p95_bps === null || w.cross_peak_bps === null ? '' : `; link in flight: p95 ${bps(w.cross_p95_bps)}, peak ${bps(w.cross_peak_bps)}`;
    out.push(`wave ${w.wave}: ${w.hosts.length} hosts, ${bytes(w.bytes_internal)} inside, ${w.cross.length} cross dependencies (${bytes(w.bytes_cross)})${link}`);
    for (const h of w.hosts) out.push(`  ${host(h)}`);
    if (w.cross.length) {
      const lines: CrossLine[] = w.cross.slice(0, maxCross).map((e) => ({
        client: e.client, server: e.server, service: serviceLabel(e),
        other: e.other_wave === null ? 'shared' : String(e.other_wave), bytes: e.bytes,
        p95: e.p95_bps === null ? '-' : tty ? formatBps(e.p95_bps) : e.p95_bps.toFixed(1),
      }));
      const table = formatTable(lines, CROSS_COLUMNS, { tty }).trimEnd().split('\n').map((l) => `  ${l}`);
      out.push(...table);
      if (w.cross.length > maxCross) out.push(`  … ${w.cross.length - maxCross} more (--json lists all)`);
    }
    out.push('');
  }
  if (plan.shared.length) {
    out.push(`shared services (${plan.shared.length}, ${plan.shared[0].found === 'auto' ? 'found in the traffic' : 'named by --shared'}): in no wave, reachable from every wave`);
    for (const s of plan.shared) {
      const per = s.per_wave.map((p) => `wave ${p.wave} ${bytes(p.bytes)}`).join(', ');
      out.push(`  ${host(s)}  ${s.role}  ${sanitize(s.services.slice(0, 4).join(', '))}${s.services.length > 4 ? ', …' : ''}  ${per}`);
    }
    out.push('');
  }
  const p95 = plan.bucket_s === null ? '' : `; p95 over ${plan.bucket_s} s buckets`;
  out.push(`cut: ${bytes(plan.cut.bytes)} in ${plan.cut.dependencies} dependencies between waves; ${plan.baseline.method}: ${bytes(plan.baseline.cut.bytes)} in ${plan.baseline.cut.dependencies}${p95}`);
  return `${out.join('\n')}\n`;
}
