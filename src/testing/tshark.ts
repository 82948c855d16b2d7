/**
 * Test helper: tshark's view of a capture, summed per conversation, for exact cross-checks of bytes
 * (IP-layer: ip.len, or 40 + ipv6.plen) and packets. Not shipped in the package.
 */
import { execFileSync } from 'node:child_process';
import { hasTools, toolPath } from './tools.js';

/** tshark on PATH (the bare name when missing: tests that run it skip first with `hasTshark`). */
export const TSHARK = toolPath('tshark') ?? 'tshark';
export const hasTshark = (): boolean => hasTools('tshark');

export interface ConvTotals {
  /** Bytes and packets from the end named first in the key (a) to the other (b), and back. */
  bytesAB: number;
  bytesBA: number;
  pktsAB: number;
  pktsBA: number;
}

/** Canonical conversation key: the two (address, port) ends sorted, protocol, VLAN. */
export function convKey(addrA: string, portA: number, addrB: string, portB: number, proto: number, vlan: number): { key: string; swapped: boolean } {
  const ea = `${addrA}#${portA}`;
  const eb = `${addrB}#${portB}`;
  const swapped = eb < ea;
  return { key: `${proto}|${vlan}|${swapped ? eb : ea}|${swapped ? ea : eb}`, swapped };
}

const FIELDS = [
  'ip.src', 'ip.dst', 'ip.len', 'ip.id', 'ip.frag_offset', 'ip.flags.mf', 'ip.proto',
  'ipv6.src', 'ipv6.dst', 'ipv6.plen', 'ipv6.fraghdr.ident', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more',
  'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'icmp.type', 'icmpv6.type',
  'icmp.ident', 'icmpv6.echo.identifier', 'vlan.id', 'ipv6.nxt',
];

const first = (v: string | undefined) => (v ?? '').split(',')[0];
const last = (v: string | undefined) => { const p = (v ?? '').split(','); return p[p.length - 1]; };

/**
 * Per-conversation totals as tshark decodes the file (no IP reassembly: a later fragment belongs to
 * its first fragment's conversation, matched by addresses and IP id).
 */
export function tsharkConversations(file: string): Map<string, ConvTotals> {
  const out = execFileSync(
    TSHARK,
    ['-r', file, '-n', '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE', '-T', 'fields', '-E', 'occurrence=a', '-E', 'separator=\t',
      ...FIELDS.flatMap((f) => ['-e', f])],
    { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  type Row = { src: string; dst: string; bytes: number; proto: number; sport: number; dport: number; vlan: number; fragKey: string; firstFrag: boolean; laterFrag: boolean };
  const rows: Row[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const c = line.split('\t');
    const g = (name: string) => c[FIELDS.indexOf(name)];
    const v4 = first(g('ip.src')) !== '';
    const v6 = !v4 && first(g('ipv6.src')) !== '';
    if (!v4 && !v6) continue;
    const src = v4 ? first(g('ip.src')) : first(g('ipv6.src'));
    const dst = v4 ? first(g('ip.dst')) : first(g('ipv6.dst'));
    const bytes = v4 ? Number(first(g('ip.len'))) : 40 + Number(first(g('ipv6.plen')));
    let proto: number;
    let sport = 0;
    let dport = 0;
    if (first(g('tcp.srcport')) !== '') {
      proto = 6; sport = Number(first(g('tcp.srcport'))); dport = Number(first(g('tcp.dstport')));
    } else if (first(g('udp.srcport')) !== '') {
      proto = 17; sport = Number(first(g('udp.srcport'))); dport = Number(first(g('udp.dstport')));
    } else if (first(g('icmp.type')) !== '') {
      proto = 1;
      const id = first(g('icmp.ident'));
      sport = dport = id === '' ? 0 : Number(id);
    } else if (first(g('icmpv6.type')) !== '') {
      proto = 58;
      const id = first(g('icmpv6.echo.identifier'));
      sport = dport = id === '' ? 0 : Number(id);
    } else {
      proto = v4 ? Number(first(g('ip.proto'))) : Number(last(g('ipv6.nxt')));
    }
    const vlan = g('vlan.id') ? Number(last(g('vlan.id')) || 0) : 0;
    const fragOff = v4 ? Number(first(g('ip.frag_offset')) || 0) : Number(first(g('ipv6.fraghdr.offset')) || 0);
    const more = v4 ? ['1', 'True', 'true'].includes(first(g('ip.flags.mf'))) : ['1', 'True', 'true'].includes(first(g('ipv6.fraghdr.more')));
    const id = v4 ? first(g('ip.id')) : first(g('ipv6.fraghdr.ident'));
    rows.push({ src, dst, bytes, proto, sport, dport, vlan, fragKey: `${src}|${dst}|${id}|${vlan}`, firstFrag: fragOff === 0 && more, laterFrag: fragOff > 0 });
  }
  // Later fragments take the transport of their first fragment, wherever it is in the file.
  const firstFrags = new Map<string, Row>();
  for (const r of rows) if (r.firstFrag) firstFrags.set(r.fragKey, r);
  const convs = new Map<string, ConvTotals>();
  for (const r of rows) {
    if (r.laterFrag) {
      const f = firstFrags.get(r.fragKey);
      if (f) { r.proto = f.proto; r.sport = f.sport; r.dport = f.dport; }
      else { r.sport = 0; r.dport = 0; }
    }
    const { key, swapped } = convKey(r.src, r.sport, r.dst, r.dport, r.proto, r.vlan);
    let t = convs.get(key);
    if (!t) { t = { bytesAB: 0, bytesBA: 0, pktsAB: 0, pktsBA: 0 }; convs.set(key, t); }
    if (swapped) { t.bytesBA += r.bytes; t.pktsBA++; } else { t.bytesAB += r.bytes; t.pktsAB++; }
  }
  return convs;
}
