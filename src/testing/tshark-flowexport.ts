/**
 * Test helper: tshark's decoding of export datagrams (`-d udp.port==P,cflow` / `,sflow`), as
 * multisets of field values per file, for cross-checks that do not depend on record alignment.
 */
import { execFileSync } from 'node:child_process';
import { TSHARK } from './tshark.js';

/**
 * Every value of each field over the whole file, in file order (`-E occurrence=a`). For the fields in
 * `outer` (ip.*), the first value of each frame is left out when it belongs to the export datagram's
 * own IPv4 header (the frame's first network protocol is IPv4).
 */
export function tsharkFieldValues(
  file: string, port: number, dissector: 'cflow' | 'sflow', fields: readonly string[], outer: readonly string[] = [],
): Map<string, string[]> {
  const out = execFileSync(
    TSHARK,
    ['-r', file, '-n', '-d', `udp.port==${port},${dissector}`, '-T', 'fields', '-E', 'occurrence=a', '-E', 'separator=\t', '-E', 'aggregator=,',
      '-e', 'frame.protocols', ...fields.flatMap((f) => ['-e', f])],
    { maxBuffer: 1 << 28, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const values = new Map<string, string[]>(fields.map((f) => [f, []]));
  for (const line of out.split('\n')) {
    if (!line) continue;
    const cols = line.split('\t');
    const outerV4 = (cols[0] ?? '').split(':').find((p) => p === 'ip' || p === 'ipv6') === 'ip';
    fields.forEach((f, i) => {
      const v = cols[i + 1] ?? '';
      if (v === '') return;
      const vs = v.split(',');
      values.get(f)!.push(...(outerV4 && outer.includes(f) ? vs.slice(1) : vs));
    });
  }
  return values;
}

/** Sorted copy, for multiset comparison. */
export const sorted = (xs: readonly (string | number)[]): string[] => xs.map(String).sort();
