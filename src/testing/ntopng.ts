/**
 * Test helper: ntopng's flow tables as ntopng itself creates them (CREATE TABLE text of ntopng's
 * src/MySQLDB.cpp, community build), followed by the start-up migrations it runs (BYTES -> IN_BYTES
 * + OUT_BYTES, unsigned counters, MyISAM, INTERFACE_ID), and rows written the way ntopng writes them:
 * partial dumps, IPv4 as numbers, IPv6 as text, JSON through COMPRESS().
 */
import type { Connection } from 'mariadb';
import type { LabConversation } from '../gen/lab.js';

export function ntopngCreateTable(prefix: string, v: 4 | 6): string {
  const addr = v === 4 ? 'int(10) unsigned' : 'varchar(48)';
  return (
    `CREATE TABLE IF NOT EXISTS \`${prefix}v${v}\` (` +
    '`idx` int(11) NOT NULL AUTO_INCREMENT,' +
    '`VLAN_ID` smallint(5) unsigned DEFAULT NULL,' +
    '`L7_PROTO` smallint(5) unsigned DEFAULT NULL,' +
    `\`IP_SRC_ADDR\` ${addr} DEFAULT NULL,` +
    '`L4_SRC_PORT` smallint(5) unsigned DEFAULT NULL,' +
    `\`IP_DST_ADDR\` ${addr} DEFAULT NULL,` +
    '`L4_DST_PORT` smallint(5) unsigned DEFAULT NULL,' +
    '`PROTOCOL` tinyint(3) unsigned DEFAULT NULL,' +
    '`BYTES` int(10) unsigned DEFAULT NULL,' +
    '`PACKETS` int(10) unsigned DEFAULT NULL,' +
    '`FIRST_SWITCHED` int(10) unsigned DEFAULT NULL,' +
    '`LAST_SWITCHED` int(10) unsigned DEFAULT NULL,' +
    '`INFO` varchar(255) DEFAULT NULL,' +
    '`JSON` blob,' +
    '`NTOPNG_INSTANCE_NAME` varchar(256) DEFAULT NULL,' +
    '`INTERFACE` varchar(64) DEFAULT NULL,' +
    'KEY `idx` (`idx`,`IP_SRC_ADDR`,`IP_DST_ADDR`,`FIRST_SWITCHED`,`LAST_SWITCHED`,`INFO`(200)),' +
    `KEY \`ix_${prefix}v${v}_4_ntopng_instance_name\` (\`NTOPNG_INSTANCE_NAME\`(255)),` +
    `KEY \`ix_${prefix}v${v}_4_ntopng_interface\` (\`INTERFACE\`)` +
    ') ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8' +
    '/*!50100 PARTITION BY HASH (`FIRST_SWITCHED`)' +
    'PARTITIONS 32 */'
  );
}

/** The migrations ntopng applies at start-up, in its order. */
export function ntopngMigrations(prefix: string, v: 4 | 6): string[] {
  const t = `\`${prefix}v${v}\``;
  return [
    `ALTER TABLE ${t} ADD INDEX \`ix_${prefix}v${v}_ntopng_first_src_dst\` (FIRST_SWITCHED, IP_SRC_ADDR, IP_DST_ADDR)`,
    `ALTER TABLE ${t} ADD COLUMN INTERFACE_ID SMALLINT(5) DEFAULT NULL`,
    `ALTER TABLE ${t} DROP COLUMN INTERFACE`,
    `ALTER TABLE ${t} CHANGE BYTES IN_BYTES INT(10) DEFAULT 0, ADD OUT_BYTES INT(10) DEFAULT 0 AFTER IN_BYTES`,
    `ALTER TABLE ${t} ENGINE='MyISAM'`,
    `ALTER TABLE ${t} MODIFY COLUMN \`IN_BYTES\` int(10) unsigned`,
    `ALTER TABLE ${t} MODIFY COLUMN \`OUT_BYTES\` int(10) unsigned`,
    `ALTER TABLE ${t} MODIFY COLUMN \`PACKETS\` int(10) unsigned`,
  ];
}

/** Create ntopng's database and both tables as a freshly started ntopng leaves them. */
export async function createNtopngTables(conn: Connection, db: string, prefix = 'flows'): Promise<void> {
  await conn.query(`CREATE DATABASE IF NOT EXISTS \`${db}\``);
  await conn.query(`USE \`${db}\``);
  for (const v of [4, 6] as const) {
    await conn.query(ntopngCreateTable(prefix, v));
    for (const m of ntopngMigrations(prefix, v)) await conn.query(m);
  }
}

/** Split n into `parts` non-negative integers (deterministic: first parts take the remainder). */
function split(n: number, parts: number): number[] {
  const base = Math.floor(n / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < n - base * parts ? 1 : 0));
}

/**
 * Rows for lab conversations as ntopng would dump them: each conversation in 1-3 partial dumps
 * (counters split, times advancing), in time order like ntopng's periodic dumps.
 */
export function ntopngRowsFor(convs: readonly LabConversation[]): { v: 4 | 6; values: unknown[] }[] {
  const rows: { at: number; v: 4 | 6; values: unknown[] }[] = [];
  convs.forEach((c, k) => {
    const parts = 1 + (k % 3);
    const b1 = split(c.bytesC2s, parts), b2 = split(c.bytesS2c, parts), p1 = split(c.packetsC2s, parts), p2 = split(c.packetsS2c, parts);
    const first = Math.floor(c.firstSeen / 1000), last = Math.floor(c.lastSeen / 1000);
    for (let i = 0; i < parts; i++) {
      const f = first + Math.floor(((last - first) * i) / parts);
      const l = i === parts - 1 ? last : first + Math.floor(((last - first) * (i + 1)) / parts);
      const json = JSON.stringify({ IN_PKTS: p1[i], OUT_PKTS: p2[i], IN_BYTES: b1[i], OUT_BYTES: b2[i], L7_PROTO_NAME: c.service, INFO: "it's \"quoted\"" });
      rows.push({
        at: l,
        v: c.ipVersion,
        values: [c.vlan, 0, c.client, c.clientPort, c.server, c.serverPort, c.proto, b1[i], b2[i], p1[i] + p2[i], f, l, c.service, json, 'ntopng', 0],
      });
    }
  });
  rows.sort((a, b) => a.at - b.at);
  return rows.map(({ v, values }) => ({ v, values }));
}

/** INSERT rows the way ntopng does (numeric IPv4 via INET_ATON here, text IPv6, COMPRESS'd JSON). */
export async function insertNtopngRows(conn: Connection, rows: readonly { v: 4 | 6; values: unknown[] }[], prefix = 'flows'): Promise<void> {
  for (const v of [4, 6] as const) {
    const mine = rows.filter((r) => r.v === v).map((r) => r.values);
    if (mine.length === 0) continue;
    const a = v === 4 ? 'INET_ATON(?)' : '?';
    await conn.batch(
      `INSERT INTO \`${prefix}v${v}\` (VLAN_ID, L7_PROTO, IP_SRC_ADDR, L4_SRC_PORT, IP_DST_ADDR, L4_DST_PORT, PROTOCOL, IN_BYTES, OUT_BYTES, PACKETS, FIRST_SWITCHED, LAST_SWITCHED, INFO, JSON, NTOPNG_INSTANCE_NAME, INTERFACE_ID)
       VALUES (?, ?, ${a}, ?, ${a}, ?, ?, ?, ?, ?, ?, ?, ?, COMPRESS(?), ?, ?)`,
      mine,
    );
  }
}

/** The edges question answered by plain SQL over ntopng's tables (the reference for the import). */
export const NTOPNG_EDGES_SQL = (prefix = 'flows') =>
  ['v4', 'v6']
    .map(
      (v) => `SELECT ${v === 'v4' ? 'INET_NTOA(IP_SRC_ADDR)' : 'IP_SRC_ADDR'} AS client, ${v === 'v4' ? 'INET_NTOA(IP_DST_ADDR)' : 'IP_DST_ADDR'} AS server,
  L4_DST_PORT AS port, PROTOCOL AS proto, SUM(IN_BYTES) AS c2s, SUM(OUT_BYTES) AS s2c, SUM(PACKETS) AS packets,
  COUNT(DISTINCT L4_SRC_PORT, VLAN_ID) AS connections
FROM \`${prefix}${v}\` GROUP BY 1, 2, 3, 4`,
    )
    .join('\nUNION ALL\n');
