/**
 * The exporter options of the filter model: `--exporter ADDR` (a flow exporter's address) and
 * `--interface N` (an SNMP ifIndex, matched as the input or the output interface).
 */
import { UsageError } from '../util/errors.js';
import { canonicalAddr } from '../util/ip.js';

/** ifIndex is an unsigned 32-bit integer (sFlow, IPFIX); NetFlow v5/v9 send 16 bits of it. */
export const MAX_IFINDEX = 0xffff_ffff;

export function parseExporter(text: string): string {
  try {
    return canonicalAddr(text);
  } catch {
    throw new UsageError(`--exporter: ${JSON.stringify(text)} is not an IP address (name the exporter by the address it sends from)`);
  }
}

export function parseIfIndex(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > MAX_IFINDEX) {
    throw new UsageError(`--interface: ${JSON.stringify(text)} is not an interface index (SNMP ifIndex, 0-${MAX_IFINDEX})`);
  }
  return Number(text);
}
