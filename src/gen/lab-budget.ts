/**
 * How many packets a capture of a site needs: the expected size of one conversation of a template
 * (from its rounds and size ranges, IPv4, as lab-conv.ts plays it), and the packet count after which
 * a `coverAllPairs` site has shown every pair and then drawn by weight for a while.
 */
import type { LabSite, Template } from './lab-site.js';
import { Proto } from '../util/protocols.js';

export interface ConversationCost {
  packets: number;
  /** IP-layer bytes, both directions. */
  bytes: number;
}

const MSS = 1460;

/** Mean of a log-uniform draw on [lo, hi] (lab-conv.ts's logUniform). */
function logUniformMean([lo, hi]: readonly [number, number]): number {
  return lo >= hi ? lo : (hi - lo) / Math.log(hi / lo);
}

/** One TCP transfer: full segments, then a (delayed) ACK for every two of them. */
function tcpTransfer(range: readonly [number, number]): ConversationCost {
  const payload = logUniformMean(range);
  const segments = payload / MSS + 0.5;
  const packets = segments + Math.ceil(segments / 2);
  return { packets, bytes: payload + packets * 40 };
}

/** Expected packets and IP bytes of one (IPv4, not pre-existing) conversation of `t`. */
export function expectedConversation(t: Pick<Template, 'proto' | 'rounds' | 'req' | 'resp' | 'greeting' | 'lossy'>): ConversationCost {
  const rounds = (t.rounds[0] + t.rounds[1]) / 2;
  if (t.proto === Proto.TCP) {
    const req = tcpTransfer(t.req);
    const resp = tcpTransfer(t.resp);
    const greeting = t.greeting ? tcpTransfer([t.greeting, t.greeting]) : { packets: 0, bytes: 0 };
    // Handshake (SYN and SYN-ACK carry an MSS option), then FIN/FIN/ACK 85%, RST 10%, nothing 5%.
    const open = { packets: 3, bytes: 3 * 40 + 8 };
    const close = { packets: 0.85 * 3 + 0.1, bytes: (0.85 * 3 + 0.1) * 40 };
    return {
      packets: open.packets + greeting.packets + rounds * (req.packets + resp.packets) + close.packets,
      bytes: open.bytes + greeting.bytes + rounds * (req.bytes + resp.bytes) + close.bytes,
    };
  }
  const answered = t.resp[1] > 0 ? 1 - (t.lossy ?? 0) : 0;
  if (t.proto === Proto.UDP) {
    return { packets: rounds * (1 + answered), bytes: rounds * (logUniformMean(t.req) + 28 + answered * (logUniformMean(t.resp) + 28)) };
  }
  return { packets: rounds * (1 + answered), bytes: rounds * (1 + answered) * 84 };
}

/**
 * Packets for a capture of `site` in which every (template, client, server) pair occurs: the sweep of
 * a `coverAllPairs` site (each pair once), then `passes` times the weighted mix (a template of weight
 * w starts about passes * w conversations), plus 10% for what is still running at the end.
 */
export function coveragePackets(site: LabSite, passes: number): number {
  let sweep = 0;
  let weighted = 0;
  for (const t of site.templates) {
    const cost = expectedConversation(t).packets;
    if (site.coverAllPairs) sweep += cost * t.clients.length * t.servers.length;
    weighted += cost * t.weight;
  }
  return Math.ceil(1.1 * (sweep + passes * weighted));
}
