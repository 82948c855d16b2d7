/**
 * Test fixture: exported flow records through two exporters' interfaces, with the answers of
 * `top --by interfaces` worked out by hand (IFACE_TOP). A router A (198.51.100.1): clients in
 * 10.1.0.0/16 behind ifIndex 3, servers in 10.2.0.0/16 behind ifIndex 7, the internet through 3 with
 * an unknown output (0). An sFlow switch B (2001:db8:ff::1) with a large ifIndex. One capture record
 * of the same conversation, which has no interfaces and is left out.
 */
import type { FlowRecord } from '../flow/record.js';
import { rec } from './records.js';

export const IF_T = Date.UTC(2026, 11, 5, 12, 0, 0);
export const EXPORTER_A = '198.51.100.1';
export const EXPORTER_B = '2001:db8:ff::1';

const a = { exporter: EXPORTER_A, source: `netflow:${EXPORTER_A}/0`, direction: 'exporter' as const, firstSeen: IF_T, lastSeen: IF_T + 30_000 };

export const IFACE_RECORDS: FlowRecord[] = [
  rec({ ...a, client: '10.1.0.5', clientPort: 40000, server: '10.2.0.9', serverPort: 443, inIf: 3, outIf: 7, bytesC2s: 1000, bytesS2c: 9000, packetsC2s: 10, packetsS2c: 20 }),
  rec({ ...a, client: '10.1.0.6', clientPort: 40001, server: '10.2.0.9', serverPort: 443, inIf: 3, outIf: 7, bytesC2s: 500, bytesS2c: 4500, packetsC2s: 5, packetsS2c: 10 }),
  // The server side opens this one: its client -> server traffic enters at 7.
  rec({ ...a, client: '10.2.0.9', clientPort: 50000, server: '10.1.0.5', serverPort: 22, inIf: 7, outIf: 3, bytesC2s: 2000, bytesS2c: 3000, packetsC2s: 20, packetsS2c: 30 }),
  rec({ ...a, client: '10.1.0.7', clientPort: 53000, server: '8.8.8.8', serverPort: 53, proto: 17, inIf: 3, outIf: 0, bytesC2s: 100, bytesS2c: 200, packetsC2s: 1, packetsS2c: 1, lastSeen: IF_T + 60_000 }),
  rec({
    client: '10.3.0.1', clientPort: 41000, server: '10.4.0.1', serverPort: 80, exporter: EXPORTER_B, source: `sflow:${EXPORTER_B}/0`, inIf: 70_000, outIf: 3,
    bytesC2s: 300, bytesS2c: 700, packetsC2s: 3, packetsS2c: 7, samplingRate: 100, firstSeen: IF_T + 1000, lastSeen: IF_T + 2000,
  }),
  rec({ client: '10.1.0.5', clientPort: 40000, server: '10.2.0.9', serverPort: 443, bytesC2s: 50_000, bytesS2c: 50_000, packetsC2s: 50, packetsS2c: 50, firstSeen: IF_T, lastSeen: IF_T + 1000 }),
];

/** [exporter, if_index, bytes_in, bytes_out, bytes, packets_in, packets_out] of `top --by interfaces`, all rows. */
export const IFACE_TOP: Array<[string, number, number, number, number, number, number]> = [
  // In at 3: c2s of the three records entering there (1000 + 500 + 100) and s2c of the one leaving there (3000).
  [EXPORTER_A, 3, 4600, 15_700, 20_300, 46, 51],
  [EXPORTER_A, 7, 15_500, 4500, 20_000, 50, 45],
  [EXPORTER_B, 3, 700, 300, 1000, 7, 3],
  [EXPORTER_B, 70_000, 300, 700, 1000, 3, 7],
  [EXPORTER_A, 0, 200, 100, 300, 1, 1],
];
