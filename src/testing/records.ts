/**
 * Test fixture: a small lab like the workflow write-up (hand-worked expected answers live in
 * store/duckdb.test.ts), shared by the store tests so every backend is fed the same records.
 */
import type { FlowRecord } from '../flow/record.js';

export const T = Date.UTC(2026, 10, 28, 7, 0, 0);
export const S = 1000;
export const NOW = T + 3600 * S;

export function rec(p: Partial<FlowRecord> & Pick<FlowRecord, 'client' | 'server' | 'clientPort' | 'serverPort'>): FlowRecord {
  return {
    proto: 6, ipVersion: p.client.includes(':') ? 6 : 4, vlan: 0, bytesC2s: 0, bytesS2c: 0, packetsC2s: 0, packetsS2c: 0,
    samplingRate: 1, tcpFlagsC2s: 0x1a, tcpFlagsS2c: 0x12, firstSeen: T, lastSeen: T, direction: 'handshake', source: 'pcap:test.pcap',
    exporter: '', inIf: 0, outIf: 0, starts: 1,
    ...p,
  };
}

// A lab like the workflow write-up. Expected results below are worked out by hand.
export const RECORDS: FlowRecord[] = [
  // One backup conversation split into three records by the active timeout: one connection.
  rec({ client: '192.168.1.69', clientPort: 57668, server: '192.168.1.240', serverPort: 902, firstSeen: T, lastSeen: T + 60 * S, bytesC2s: 1000, bytesS2c: 100_000, packetsC2s: 10, packetsS2c: 100 }),
  rec({ client: '192.168.1.69', clientPort: 57668, server: '192.168.1.240', serverPort: 902, firstSeen: T + 60 * S, lastSeen: T + 120 * S, bytesC2s: 2000, bytesS2c: 200_000, packetsC2s: 20, packetsS2c: 200, starts: 0 }),
  rec({ client: '192.168.1.69', clientPort: 57668, server: '192.168.1.240', serverPort: 902, firstSeen: T + 120 * S, lastSeen: T + 150_500, bytesC2s: 500, bytesS2c: 50_000, packetsC2s: 5, packetsS2c: 50, starts: 0 }),
  // A second conversation on the same edge.
  rec({ client: '192.168.1.69', clientPort: 57670, server: '192.168.1.240', serverPort: 902, firstSeen: T + 200 * S, lastSeen: T + 210 * S, bytesC2s: 100, bytesS2c: 900, packetsC2s: 1, packetsS2c: 2 }),
  // Same client port on another VLAN: a third conversation.
  rec({ client: '192.168.1.69', clientPort: 57668, server: '192.168.1.240', serverPort: 902, vlan: 10, firstSeen: T + 300 * S, lastSeen: T + 301 * S, bytesC2s: 10, bytesS2c: 90, packetsC2s: 1, packetsS2c: 1 }),
  rec({ client: '192.168.1.66', clientPort: 55846, server: '192.168.1.55', serverPort: 443, firstSeen: T + 10 * S, lastSeen: T + 20 * S, bytesC2s: 5000, bytesS2c: 20_000, packetsC2s: 10, packetsS2c: 20 }),
  // The host the workflow excludes: biggest of all.
  rec({ client: '192.168.1.151', clientPort: 50000, server: '192.168.1.66', serverPort: 8086, firstSeen: T + 5 * S, lastSeen: T + 6 * S, bytesC2s: 1_000_000, bytesS2c: 1_000_000, packetsC2s: 700, packetsS2c: 700 }),
  // Leaves the lab.
  rec({ client: '192.168.1.65', clientPort: 48718, server: '8.8.8.8', serverPort: 53, proto: 17, firstSeen: T, lastSeen: T + S, bytesC2s: 100, bytesS2c: 200, packetsC2s: 1, packetsS2c: 1, tcpFlagsC2s: 0, tcpFlagsS2c: 0, direction: 'service-port' }),
  // IPv6.
  rec({ client: '2001:db8::10', clientPort: 40000, server: '2001:db8::20', serverPort: 443, firstSeen: T + 30 * S, lastSeen: T + 40 * S, bytesC2s: 300, bytesS2c: 700, packetsC2s: 3, packetsS2c: 7 }),
  // Yesterday.
  rec({ client: '192.168.1.70', clientPort: 40000, server: '192.168.1.71', serverPort: 22, firstSeen: T - 86_400 * S, lastSeen: T - 86_390 * S, bytesC2s: 50_000, bytesS2c: 60_000, packetsC2s: 50, packetsS2c: 60 }),
];

