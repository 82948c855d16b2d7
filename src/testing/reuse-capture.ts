/**
 * Test fixture: a capture whose TCP conversations reuse client ports within one window, so a count of
 * distinct client ports undercounts them: port 40000 three times (again right after its FIN, again
 * after the idle timeout) and once on VLAN 10, port 40001 for a long conversation (cut by the active
 * timeout) and again after its FIN. Beside it, a conversation already running when the capture began
 * (no handshake) on two hosts' equal high ports, with idle gaps longer than the idle timeout and a
 * different first sender after each gap: the case where weak evidence could flip its sides.
 */
import { writeFileSync } from 'node:fs';
import { pcapFile, type Rec } from './captures.js';
import { ether, ipv4, tcp } from './frames.js';

export const REUSE = {
  client: '10.0.0.1',
  server: '10.0.0.2',
  port: 443,
  /** TCP handshakes to the server (one SYN each). */
  handshakes: 6,
  /** Distinct (client port, VLAN) among them: what the old count gave. */
  distinctPorts: 3,
  /** The mid-stream conversation: both ends on port 45000. */
  midA: '10.0.0.5',
  midB: '10.0.0.6',
  midPort: 45000,
} as const;

const [SYN, SYNACK, ACK, FIN, PSH] = [0x02, 0x12, 0x10, 0x11, 0x18];

/** Write the capture to `path` (pcap, Ethernet). Idle timeout assumed: 15 s; active timeout: 60 s. */
export function writeReuseCapture(path: string): void {
  const recs: Rec[] = [];
  const t0 = 1_767_225_600; // 2026-01-01T00:00:00Z
  const frame = (sec: number, src: string, dst: string, sport: number, dport: number, flags: number, vlan = 0, data = 0) => {
    const payload = ipv4({ src, dst, proto: 6, payload: tcp(sport, dport, flags, Buffer.alloc(data)) });
    const tags = vlan ? [{ tpid: 0x8100, vid: vlan }] : [];
    recs.push({ sec: t0 + Math.floor(sec), frac: Math.round((sec % 1) * 1e6), data: ether(0x0800, payload, tags) });
  };
  const { client: c, server: s, port } = REUSE;
  /** One whole conversation from client port `cp`: handshake at `at`, data every 10 s until `until`, close. */
  const conversation = (at: number, cp: number, until = at + 0.5, vlan = 0) => {
    frame(at, c, s, cp, port, SYN, vlan);
    frame(at + 0.01, s, c, port, cp, SYNACK, vlan);
    frame(at + 0.02, c, s, cp, port, ACK, vlan);
    for (let t = at + 0.03; t < until; t += 10) {
      frame(t, c, s, cp, port, PSH, vlan, 100);
      frame(t + 0.01, s, c, port, cp, PSH, vlan, 1000);
    }
    frame(until, c, s, cp, port, FIN, vlan);
    frame(until + 0.01, s, c, port, cp, FIN, vlan);
    frame(until + 0.02, c, s, cp, port, ACK, vlan);
  };
  conversation(0, 40000);
  conversation(2, 40000); // right after its FIN: the same table entry, a new conversation
  conversation(5, 40001, 150); // cut by the active timeout at 60 s and 120 s
  conversation(40, 40000); // after the idle timeout: a new table entry
  conversation(50, 40000, 50.5, 10); // another VLAN
  conversation(160, 40001); // 10 s after its FIN
  // Mid-stream, equal ports: A speaks first, then after 30 s of silence B, then after 40 s A again.
  const { midA: a, midB: b, midPort: mp } = REUSE;
  for (const [at, first, second] of [[1, a, b], [31, b, a], [71, a, b], [111, b, a]] as const) {
    frame(at, first, second, mp, mp, PSH, 0, 200);
    frame(at + 0.01, second, first, mp, mp, ACK);
  }
  recs.sort((x, y) => x.sec - y.sec || x.frac - y.frac);
  writeFileSync(path, pcapFile({}, recs));
}
