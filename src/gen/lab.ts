/**
 * Deterministic synthetic "home lab / small data centre" capture generator with exact ground truth.
 *
 * A fixed number of conversation slots run concurrently; each packet comes from a random slot (so
 * conversations interleave), and a finished conversation is replaced by a new one drawn from the
 * service mix. The slots that exist at the start represent connections that began before the
 * capture (no handshake in the file; the first packet may come from the server). Same options and
 * seed => byte-identical output and truth.
 */
import { Readable } from 'node:stream';
import { HOME_LAB } from './lab-hosts.js';
import { LabRun } from './lab-run.js';
import type { LabSite } from './lab-site.js';
import type { LabTruth } from './lab-truth.js';
import { CaptureFileWriter, CaptureWriter, LINKTYPE, type CaptureFormat, type CaptureWriterOptions, type TsPrecision } from './pcap-writer.js';

/** Bump when the generator's output for given options changes (benchmark cache key). */
export const LAB_VERSION = 1;

export interface LabOptions {
  /** Who exists and which services they use. Default the home lab (HOME_LAB). */
  site?: LabSite;
  /** Stop after this many frames (a fragment train in progress is completed). Default 10,000. */
  packets?: number;
  /**
   * Capture length in seconds: packets are spread over it (mean rate packets / duration) and
   * generation also stops when it is reached. Default: packets / 2000, not enforced as a stop.
   */
  durationSec?: number;
  /** Capture start, epoch ms UTC. Default 2026-01-15T10:00:00Z. */
  startMs?: number;
  seed?: number;
  /** Frames longer than this are truncated in the file. Default 262144. */
  snaplen?: number;
  /** One link type, or one per pcapng interface (conversations are spread over them). Default Ethernet. */
  linkType?: number | number[];
  format?: CaptureFormat;
  precision?: TsPrecision;
  bigEndian?: boolean;
  /** Concurrent conversations. Default 64. */
  concurrency?: number;
  /** Share of frames that are ARP (non-IP) on Ethernet interfaces. Default 0.002. */
  arpShare?: number;
  /** Size of the chunks produced. Default 4 MiB. */
  chunkSize?: number;
}

export { conversationKey, type LabConversation, type LabTruth } from './lab-truth.js';
export type { LabSite } from './lab-site.js';

const DEFAULT_START = Date.UTC(2026, 0, 15, 10, 0, 0);

export class LabGenerator {
  private truthValue: LabTruth | null = null;
  private readonly explicitDuration: boolean;
  private readonly opts: Required<Omit<LabOptions, 'linkType'>> & { linkTypes: number[] };

  constructor(opts: LabOptions = {}) {
    const packets = opts.packets ?? 10_000;
    this.explicitDuration = opts.durationSec !== undefined;
    const linkTypes = Array.isArray(opts.linkType) ? opts.linkType : [opts.linkType ?? LINKTYPE.ETHERNET];
    const format = opts.format ?? 'pcap';
    if (format === 'pcap' && linkTypes.length !== 1) throw new Error('lab: several link types need format pcapng');
    this.opts = {
      site: opts.site ?? HOME_LAB,
      packets,
      durationSec: opts.durationSec ?? packets / 2000,
      startMs: opts.startMs ?? DEFAULT_START,
      seed: opts.seed ?? 1,
      snaplen: opts.snaplen ?? 262144,
      format,
      precision: opts.precision ?? 'us',
      bigEndian: opts.bigEndian ?? false,
      concurrency: opts.concurrency ?? 64,
      arpShare: opts.arpShare ?? 0.002,
      chunkSize: opts.chunkSize ?? 4 << 20,
      linkTypes,
    };
  }

  writerOptions(): CaptureWriterOptions {
    const o = this.opts;
    return {
      format: o.format,
      interfaces: o.linkTypes.map((linkType) => ({ linkType, snaplen: o.snaplen })),
      precision: o.precision,
      bigEndian: o.bigEndian,
      chunkSize: o.chunkSize,
    };
  }

  /** Ground truth; available once the capture has been fully produced. */
  truth(): LabTruth {
    if (!this.truthValue) throw new Error('lab: truth is available after the capture has been generated');
    return this.truthValue;
  }

  /** The capture as a sequence of chunks (each a fresh Buffer), generated lazily. Run once. */
  *chunks(): Generator<Buffer> {
    const pending: Buffer[] = [];
    const writer = new CaptureWriter(this.writerOptions(), (c) => pending.push(c));
    const run = this.newRun(writer);
    for (;;) {
      const done = run.pump(() => pending.length > 0);
      // Truth first: a consumer may stop iterating right after the last chunk.
      if (done) this.truthValue = run.truth();
      while (pending.length > 0) yield pending.shift() as Buffer;
      if (done) break;
    }
  }

  /** The capture as an async stream of chunks (what ingestCapture takes). Run once. */
  async *stream(): AsyncGenerator<Buffer> {
    for (const chunk of this.chunks()) {
      yield chunk;
      // Let timers and I/O run between chunks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The capture as a Node Readable. Run once. */
  readable(): Readable {
    return Readable.from(this.chunks(), { objectMode: false });
  }

  private newRun(writer: CaptureWriter): LabRun {
    const o = this.opts;
    return new LabRun(writer, {
      ...o,
      stopAtNs: this.explicitDuration ? o.durationSec * 1e9 : Infinity,
      meanGapNs: (o.durationSec * 1e9) / o.packets,
    });
  }

  /** Write the capture to `path` (synchronous, chunked writes) and return the truth. */
  writeFile(path: string): LabTruth {
    const writer = new CaptureFileWriter(path, this.writerOptions());
    try {
      const run = this.newRun(writer);
      run.pump(() => false);
      this.truthValue = run.truth();
    } finally {
      writer.close();
    }
    return this.truth();
  }

}

/** Generate a lab capture into `path`; returns the ground truth. */
export function writeLabCapture(path: string, opts: LabOptions = {}): LabTruth {
  return new LabGenerator(opts).writeFile(path);
}
