/**
 * Test helper: a second collector for cross-checks. Replays export datagrams over loopback to
 * nfdump's `nfcapd` (NetFlow v5/v9, IPFIX) and reads back what it stored with `nfdump -o csv`.
 * nfcapd multiplies packets and bytes by the sampling rate when it understands the announcement (not always).
 */
import { spawn, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExportedFlow } from '../flowexport/model.js';
import { hasTools, requireTool } from './tools.js';

export const hasNfcapd = (): boolean => hasTools('nfcapd', 'nfdump');

export interface NfdumpRow {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  proto: number;
  packets: number;
  bytes: number;
  reversePackets: number;
  reverseBytes: number;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** True once some socket listens on UDP `port` (from /proc/net/udp). */
function listening(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  return readFileSync('/proc/net/udp', 'utf8').includes(hex);
}

const PROTOS: Record<string, number> = { ICMP: 1, TCP: 6, UDP: 17, ICMP6: 58, GRE: 47, ESP: 50 };

/** Send `datagrams` in order to a fresh nfcapd and return the flows it stored. */
export async function nfcapdFlows(datagrams: readonly Buffer[]): Promise<NfdumpRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flowmap-nfcapd-'));
  const port = await freeUdpPort();
  const child = spawn(requireTool('nfcapd'), ['-w', dir, '-p', String(port), '-b', '127.0.0.1', '-t', '3600'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    for (let i = 0; i < 100 && !listening(port); i++) await sleep(50);
    if (!listening(port)) throw new Error('nfcapd did not start listening');
    const sock = createSocket('udp4');
    for (const d of datagrams) {
      await new Promise<void>((resolve, reject) => sock.send(d, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
      await sleep(5); // nfcapd's single socket buffer is small: do not overrun it
    }
    sock.close();
    await sleep(200);
    child.kill('SIGTERM');
    await exited;
    const csv = execFileSync(requireTool('nfdump'), ['-R', dir, '-o', 'csv', '-N'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const lines = csv.split('\n');
    const head = lines[0].split(',');
    const col = (name: string) => head.indexOf(name);
    const rows: NfdumpRow[] = [];
    for (const line of lines.slice(1)) {
      const c = line.split(',');
      if (c.length < head.length || !/^\d{4}-/.test(c[0])) continue; // summary lines
      const pr = c[col('pr')].trim();
      rows.push({
        src: c[col('sa')], dst: c[col('da')],
        srcPort: Number(c[col('sp')]), dstPort: Number(c[col('dp')]),
        proto: PROTOS[pr] ?? Number(pr),
        packets: Number(c[col('ipkt')]), bytes: Number(c[col('ibyt')]),
        reversePackets: Number(c[col('opkt')]), reverseBytes: Number(c[col('obyt')]),
      });
    }
    return rows;
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const icmp = (p: number) => p === 1 || p === 58;
/** Identity of a record without its counters; ICMP type/code ports are left out (nfdump prints them its own way). */
export const flowIdent = (r: { src: string; dst: string; srcPort: number; dstPort: number; proto: number }): string =>
  `${r.src}|${r.dst}|${icmp(r.proto) ? 0 : r.srcPort}|${icmp(r.proto) ? 0 : r.dstPort}|${r.proto}`;

/**
 * Match nfcapd's rows one to one with flowmap's flows (same identity and counters; nfcapd may have
 * scaled a row by the flow's sampling rate). Returns what did not match, empty when all did.
 */
export function unmatchedRows(rows: readonly NfdumpRow[], flows: readonly ExportedFlow[]): string[] {
  const ours = new Map<string, ExportedFlow[]>();
  for (const f of flows) {
    const k = flowIdent(f);
    const list = ours.get(k);
    if (list) list.push(f);
    else ours.set(k, [f]);
  }
  const bad: string[] = [];
  for (const r of rows) {
    const list = ours.get(flowIdent(r)) ?? [];
    const i = list.findIndex((f) => {
      const k = r.packets === f.packets ? 1 : f.samplingRate;
      return r.packets === f.packets * k && r.bytes === f.bytes * k && r.reversePackets === f.reversePackets * k && r.reverseBytes === f.reverseBytes * k;
    });
    if (i < 0) bad.push(`nfcapd ${JSON.stringify(r)}; flowmap ${JSON.stringify(list.map((f) => [f.packets, f.bytes, f.reversePackets, f.reverseBytes, f.samplingRate]))}`);
    else list.splice(i, 1);
  }
  return bad;
}
