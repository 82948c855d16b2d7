/**
 * One export datagram in, ExportedFlows out to the aggregator: chooses the decoder by the listener
 * (an sFlow port) or by the datagram's version field. Shared by `flowmap collect` (live UDP) and
 * `flowmap ingest --exports` (datagrams replayed from capture files): one code path.
 */
import type { ExportDecoders } from './decoders/index.js';
import type { DatagramHint, ExportedFlow, ExportFamily } from './model.js';
import type { FlowAggregator } from './pairing/aggregator.js';

export interface DispatchStats {
  datagrams: number;
  /** Datagrams of no export protocol we know (version field), by first bytes. */
  unknown: number;
}

export class ExportDispatcher {
  readonly stats: DispatchStats = { datagrams: 0, unknown: 0 };
  private family: ExportFamily = 'netflow';
  private receivedMs = 0;
  private readonly onFlow: (f: ExportedFlow) => void;

  constructor(
    private readonly decoders: ExportDecoders,
    private readonly aggregator: FlowAggregator,
  ) {
    // One closure for every datagram: the family and time of the datagram being decoded are fields.
    this.onFlow = (f) => this.aggregator.add(f, this.family, this.receivedMs);
  }

  /** Decode one UDP payload from `exporter` (address text), received at `receivedMs` (epoch ms). */
  datagram(buf: Buffer, exporter: string, receivedMs: number, hint: DatagramHint): void {
    this.stats.datagrams++;
    const family = familyOf(buf, hint);
    if (family === null) {
      this.stats.unknown++;
      return;
    }
    this.family = family;
    this.receivedMs = receivedMs;
    const decoder = family === 'sflow' ? this.decoders.sflow : this.decoders.netflow;
    decoder.decode(buf, exporter, receivedMs, this.onFlow);
  }

  /** End of input: data still held by a decoder is settled (counted as template misses). */
  finish(): void {
    this.decoders.netflow.finish?.();
    this.decoders.sflow.finish?.();
  }
}

/**
 * sFlow v5 starts with a 32-bit version 5; NetFlow v5/v9 and IPFIX with a 16-bit 5, 9 or 10 (and a
 * NetFlow v5 header never has a zero record count, so the two cannot be confused).
 */
export function familyOf(buf: Buffer, hint: DatagramHint): ExportFamily | null {
  if (buf.length < 4) return hint === 'sflow' ? 'sflow' : hint === 'netflow' ? 'netflow' : null;
  if (hint === 'sflow' || buf.readUInt32BE(0) === 5) return 'sflow';
  const v = buf.readUInt16BE(0);
  if (v === 10) return 'ipfix';
  if (v === 5 || v === 9) return 'netflow';
  // A NetFlow listener hands anything else to the NetFlow decoder, which counts it per exporter.
  return hint === 'netflow' ? 'netflow' : null;
}
