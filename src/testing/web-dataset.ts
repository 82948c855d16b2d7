/**
 * The known dataset of the page's end-to-end tests: the hand-worked lab records of the store tests
 * (src/testing/records.ts), names with hostile text as DNS and SNI would deliver it, one config
 * group, and exporter health rows.
 */
import { join } from 'node:path';
import type { NameRow } from '../names/names.js';
import type { ExporterHealthRow } from '../store/store.js';
import { DuckDbStore } from '../store/duckdb.js';
import { RECORDS, S, T, rec } from './records.js';
import { writeConfig, writeStore } from './web-harness.js';

/** Markup a hostile network could put into a DNS answer or a TLS SNI. */
export const HOSTILE_SNI = '<img src=x onerror=alert(1)>';
export const HOSTILE_DNS = '"><script>alert(2)</script><b>bold';

const iso = (ms: number): string => new Date(ms).toISOString();

export const NAMES: NameRow[] = [
  { address: '192.168.1.240', name: 'backup-nas.lab', source: 'dns', first_seen: iso(T), last_seen: iso(T + 60_000) },
  { address: '192.168.1.55', name: HOSTILE_SNI, source: 'sni', first_seen: iso(T), last_seen: iso(T + 60_000) },
  { address: '192.168.1.66', name: HOSTILE_DNS, source: 'dns', first_seen: iso(T), last_seen: iso(T + 60_000) },
];

export const CONFIG = `names:
  192.168.1.151: wifi-tablet
groups:
  - name: Backup
    subnets: [192.168.1.69/32, 192.168.1.240/32]
`;

export const EXPORTERS: ExporterHealthRow[] = [
  {
    exporter: '192.0.2.10', domain: 0, protocol: 'netflow-v9', datagrams: 1200, records: 36_000, sequence_gaps: 3, template_misses: 1, errors: 2,
    error_reasons: { 'short record': 2 }, sampling_rate: 1, kernel_drops: 0, last_seen: iso(T + 300_000),
  },
];

/** The store tests' lab plus SMB from 192.168.1.66 to both members of the Backup group. */
export const LAB_RECORDS = [
  ...RECORDS,
  rec({ client: '192.168.1.66', clientPort: 50100, server: '192.168.1.240', serverPort: 445, firstSeen: T + 40 * S, lastSeen: T + 50 * S, bytesC2s: 7000, bytesS2c: 3000, packetsC2s: 7, packetsS2c: 3 }),
  rec({ client: '192.168.1.66', clientPort: 50101, server: '192.168.1.69', serverPort: 445, firstSeen: T + 45 * S, lastSeen: T + 55 * S, bytesC2s: 1100, bytesS2c: 900, packetsC2s: 2, packetsS2c: 2 }),
];

/** Write the dataset into dir: `lab.duckdb` and `flowmap.yaml`. */
export async function labDataset(dir: string): Promise<{ db: string; config: string }> {
  const db = join(dir, 'lab.duckdb');
  await writeStore(db, LAB_RECORDS, NAMES);
  const store = await DuckDbStore.open(db);
  try {
    await store.saveExporterHealth('e2e', EXPORTERS);
  } finally {
    await store.close();
  }
  return { db, config: writeConfig(dir, CONFIG) };
}
