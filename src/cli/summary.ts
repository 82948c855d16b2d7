import type { IngestSummary } from '../pipeline/ingest.js';

/** One line per input for people: packets, flows, skipped frames by reason. */
export function summaryLine(s: IngestSummary): string {
  const skippedTotal = Object.values(s.skipped).reduce((a, b) => a + b, 0);
  const reasons = Object.entries(s.skipped)
    .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
    .join(', ');
  const parts = [
    `${s.frames.toLocaleString('en-US')} frames`,
    `${s.packets.toLocaleString('en-US')} IP packets`,
    `${s.records.toLocaleString('en-US')} flow records`,
    `skipped ${skippedTotal.toLocaleString('en-US')}${reasons ? ` (${reasons})` : ''}`,
  ];
  if (s.names > 0) parts.push(`${s.names.toLocaleString('en-US')} host names (DNS, TLS SNI, HTTP Host)`);
  if (s.evicted > 0) parts.push(`${s.evicted.toLocaleString('en-US')} flows cut early (table full)`);
  let line = `${s.source}: ${parts.join(', ')}`;
  if (s.interrupted) line += ' [interrupted]';
  for (const w of s.warnings) line += `\n${s.source}: warning: ${w}`;
  return line;
}

/** The sum over several inputs. */
export function totalLine(all: readonly IngestSummary[]): string {
  const sum = (f: (s: IngestSummary) => number) => all.reduce((a, s) => a + f(s), 0).toLocaleString('en-US');
  const skipped = sum((s) => Object.values(s.skipped).reduce((a, b) => a + b, 0));
  return `total: ${all.length} inputs, ${sum((s) => s.frames)} frames, ${sum((s) => s.packets)} IP packets, ${sum((s) => s.records)} flow records, skipped ${skipped}`;
}
