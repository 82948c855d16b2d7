/**
 * `flowmap ingest --exports`: export datagrams carried in capture files, taken out with the one
 * packet decoder and fed to the same export pipeline as `flowmap collect`, receive time = packet time.
 */
import { PacketDecoder } from '../decode/decoder.js';
import { Decoded, PacketInfo, SKIP_REASON_NAMES } from '../decode/packet.js';
import { readCapture } from '../sources/pcap/reader.js';
import type { FrameSink } from '../sources/pcap/frame.js';
import { gunzipIfNeeded } from '../sources/pcap/gunzip.js';
import { formatAddr } from '../util/ip.js';
import { Proto } from '../util/protocols.js';
import { abortable } from './abortable.js';
import type { FlowExportPipeline } from './flowexport.js';

/** sFlow's IANA port: datagrams to or from it are sFlow; the rest are told apart by their version field. */
export const SFLOW_PORT = 6343;

export interface FlowExportReplaySummary {
  source: string;
  format: 'pcap' | 'pcapng';
  frames: number;
  /** UDP payloads handed to the export decoders. */
  datagrams: number;
  /** Frames not handed over, by reason. */
  skipped: Record<string, number>;
  bytesRead: number;
  warnings: string[];
  interrupted: boolean;
}

class ExportFrameSink implements FrameSink {
  private readonly decoder = new PacketDecoder();
  private readonly info = new PacketInfo();
  frames = 0;
  datagrams = 0;
  readonly skipped: Record<string, number> = {};

  constructor(private readonly pipeline: FlowExportPipeline) {}

  frame(linkType: number, buf: Buffer, off: number, capLen: number, origLen: number, tsMs: number): void {
    this.frames++;
    const info = this.info;
    info.tsMs = tsMs;
    const r = this.decoder.decode(linkType, buf, off, capLen, origLen, info);
    if (r !== Decoded) return this.skip(SKIP_REASON_NAMES[r] ?? `reason ${r}`);
    if (info.proto !== Proto.UDP) return this.skip('not UDP');
    if (info.laterFragment) return this.skip('IP fragment');
    const start = info.payloadStart;
    // The UDP header is the 8 bytes before the payload: its length says how long the datagram is.
    const udpLen = start >= 8 ? buf.readUInt16BE(start - 4) : 0;
    if (udpLen < 8) return this.skip('bad UDP length');
    const end = start + udpLen - 8;
    if (end > info.payloadEnd) return this.skip('payload shorter than its UDP length');
    this.datagrams++;
    const hint = info.dstPort === SFLOW_PORT || info.srcPort === SFLOW_PORT ? 'sflow' : 'auto';
    this.pipeline.datagram(buf.subarray(start, end), formatAddr(info.src), tsMs, hint);
  }

  private skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }
}

/** Replay one capture file's datagrams into the pipeline (which the caller finishes after the last file). */
export async function replayFlowExports(
  chunks: AsyncIterable<Buffer>,
  source: string,
  pipeline: FlowExportPipeline,
  signal?: AbortSignal,
): Promise<FlowExportReplaySummary> {
  const sink = new ExportFrameSink(pipeline);
  const warnings: string[] = [];
  let bytesRead = 0;
  const stats = await readCapture(gunzipIfNeeded(abortable(chunks, signal), warnings), sink, {
    afterChunk: async (n) => {
      bytesRead = n;
      await pipeline.pump();
    },
  });
  return {
    source,
    format: stats.format,
    frames: sink.frames,
    datagrams: sink.datagrams,
    skipped: sink.skipped,
    bytesRead: stats.bytesRead ?? bytesRead,
    warnings: [...warnings, ...stats.warnings],
    interrupted: signal?.aborted === true,
  };
}
