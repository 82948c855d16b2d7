import { SkipReason, skipSummary } from '../decode/packet.js';
import { DecodingSink } from '../decode/sink.js';
import { FlowTable } from '../flow/table.js';
import type { ServiceLookup } from '../flow/direction.js';
import { gunzipIfNeeded } from '../sources/pcap/gunzip.js';
import { readCapture } from '../sources/pcap/reader.js';
import type { CaptureReadStats } from '../sources/pcap/frame.js';
import { COLLECTOR_FLUSH_AT, NameCollector } from '../names/collector.js';
import type { Store } from '../store/store.js';
import { abortable } from './abortable.js';
import { RecordBatcher, type BatchSink } from './batcher.js';

/** What every ingest needs: where records go and how flows are cut. */
export interface IngestContext {
  /** Where records and host names go (only these two calls are made). */
  store: Pick<Store, 'append' | 'appendNames'> & Pick<BatchSink, 'appendBatch'>;
  services: ServiceLookup;
  idleTimeoutMs: number;
  activeTimeoutMs: number;
  maxFlows: number;
  /** Conversations remembered beyond the table (default CONVERSATION_MEMORY). */
  conversationMemory?: number;
  /** Called after each chunk with the bytes read so far (progress bars). */
  onProgress?: (bytesRead: number) => void;
  /** Stops reading at the next chunk boundary; everything accepted so far is still stored. */
  signal?: AbortSignal;
  /** The store opening in the background: reading stops as soon as it fails. */
  storeReady?: Promise<void>;
}

export interface IngestOptions {
  /**
   * Live capture: flows also expire by the wall clock (so long-lived and quiet flows reach the store
   * while the capture runs), and batches are flushed at least every second.
   */
  live?: boolean;
}

export interface IngestSummary {
  source: string;
  format: 'pcap' | 'pcapng';
  frames: number;
  /** Frames decoded into IP packets and counted in flows. */
  packets: number;
  /** Frames skipped, by reason. */
  skipped: Record<string, number>;
  /** Flow records stored. */
  records: number;
  /** Conversations emitted early because the flow table was full. */
  evicted: number;
  /** Host-name observations (address, name, source) stored from DNS answers, TLS SNI and HTTP Host. */
  names: number;
  bytesRead: number;
  warnings: string[];
  /** True when stopped by the signal before the input ended. */
  interrupted: boolean;
}

/**
 * capture bytes -> frames -> packet decoder -> flow table -> store. The one path shared by capture
 * files, stdin and live capture.
 */
export async function ingestCapture(
  chunks: AsyncIterable<Buffer>,
  sourceName: string,
  ctx: IngestContext,
  opts: IngestOptions = {},
): Promise<IngestSummary> {
  const batcher = new RecordBatcher(ctx.store);
  const table = new FlowTable({
    idleTimeoutMs: ctx.idleTimeoutMs,
    activeTimeoutMs: ctx.activeTimeoutMs,
    maxFlows: ctx.maxFlows,
    conversationMemory: ctx.conversationMemory,
    services: ctx.services,
    source: sourceName,
    emit: (r) => batcher.push(r),
  });
  // Host names seen in DNS answers, TLS SNI and HTTP Host go to the names table beside the flows.
  const names = new NameCollector();
  let namesStored = 0;
  const storeNames = async (): Promise<void> => {
    const rows = names.drain();
    namesStored += rows.length;
    if (rows.length) await ctx.store.appendNames(rows);
  };
  const sink = new DecodingSink((info, buf) => {
    table.add(info);
    if (buf !== undefined && info.payloadEnd > info.payloadStart) names.peek(buf, info);
  });
  let bytesRead = 0;

  let timer: NodeJS.Timeout | undefined;
  let tick: Promise<void> = Promise.resolve();
  if (opts.live) {
    // Quiet periods still expire flows: drive the table by the wall clock too.
    timer = setInterval(() => {
      table.expire(Date.now());
      tick = tick.then(() => batcher.flush()).then(storeNames).catch(() => undefined);
    }, 1000);
  }
  const inputWarnings: string[] = [];
  let storeFailure: unknown = null;
  ctx.storeReady?.catch((e: unknown) => {
    storeFailure = e;
  });
  const stopAtBoundary = new Error('stopped');
  let stats: CaptureReadStats | undefined;
  let failure: unknown = null;
  try {
    stats = await readCapture(gunzipIfNeeded(abortable(chunks, ctx.signal), inputWarnings), sink, {
      afterChunk: async (n) => {
        bytesRead = n;
        ctx.onProgress?.(n);
        if (storeFailure) throw storeFailure;
        await batcher.maybeFlush();
        if (names.size >= COLLECTOR_FLUSH_AT) await storeNames();
        if (ctx.signal?.aborted) throw stopAtBoundary;
      },
    });
  } catch (e) {
    if (e !== stopAtBoundary) failure = e;
  } finally {
    if (timer) clearInterval(timer);
  }
  const interrupted = ctx.signal?.aborted === true;
  // Whatever was accepted is stored, also when the input failed part-way.
  sink.finish();
  table.flushAll();
  await tick;
  try {
    await batcher.flush();
    await storeNames();
  } catch (e) {
    throw failure ?? e;
  }
  if (failure) throw failure;
  return {
    source: sourceName,
    format: stats?.format ?? 'pcap',
    frames: stats?.frames ?? sink.decoded + sink.held + sink.skips.reduce((a, b) => a + b, 0),
    // Held fragments count once credited to their flow (or handed over port-less); lost ones are skipped.
    packets: sink.decoded + sink.held - sink.skips[SkipReason.FRAGMENT_UNMATCHED],
    skipped: skipSummary(sink.skips),
    records: batcher.written,
    evicted: table.stats.evicted,
    names: namesStored,
    bytesRead: stats?.bytesRead ?? bytesRead,
    warnings: [...inputWarnings, ...(stats?.warnings ?? [])],
    interrupted,
  };
}
