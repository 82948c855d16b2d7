/** Test helper: flowmap's per-conversation rows keyed like tshark's (see tshark.ts). */
import type { ConversationRow } from '../store/store.js';
import { convKey, type ConvTotals } from './tshark.js';
import { parseProto } from '../util/protocols.js';

export function flowmapConversations(rows: ConversationRow[]): Map<string, ConvTotals> {
  const out = new Map<string, ConvTotals>();
  for (const r of rows) {
    const proto = parseProto(r.proto) ?? -1;
    // ICMP echo: the identifier is in both port fields on the wire, in client_port in flowmap.
    const icmp = proto === 1 || proto === 58;
    const serverPort = icmp ? r.client_port : r.port;
    const { key, swapped } = convKey(r.client, r.client_port, r.server, serverPort, proto, r.vlan);
    let t = out.get(key);
    if (!t) { t = { bytesAB: 0, bytesBA: 0, pktsAB: 0, pktsBA: 0 }; out.set(key, t); }
    if (swapped) {
      t.bytesBA += r.bytes_c2s; t.bytesAB += r.bytes_s2c; t.pktsBA += r.packets_c2s; t.pktsAB += r.packets_s2c;
    } else {
      t.bytesAB += r.bytes_c2s; t.bytesBA += r.bytes_s2c; t.pktsAB += r.packets_c2s; t.pktsBA += r.packets_s2c;
    }
  }
  return out;
}
