/** Test helper: nfcapd's flows (see nfcapd.ts) summed per conversation, keyed like tshark's (see tshark.ts). */
import type { NfdumpRow } from './nfcapd.js';
import { convKey, type ConvTotals } from './tshark.js';

export function nfdumpConversations(rows: readonly NfdumpRow[]): Map<string, ConvTotals> {
  const out = new Map<string, ConvTotals>();
  for (const r of rows) {
    const { key, swapped } = convKey(r.src, r.srcPort, r.dst, r.dstPort, r.proto, 0);
    let t = out.get(key);
    if (!t) {
      t = { bytesAB: 0, bytesBA: 0, pktsAB: 0, pktsBA: 0 };
      out.set(key, t);
    }
    t.bytesAB += swapped ? r.reverseBytes : r.bytes;
    t.bytesBA += swapped ? r.bytes : r.reverseBytes;
    t.pktsAB += swapped ? r.reversePackets : r.packets;
    t.pktsBA += swapped ? r.packets : r.reversePackets;
  }
  return out;
}
