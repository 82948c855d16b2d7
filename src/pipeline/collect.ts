/**
 * Live collection: UDP listeners feed the export pipeline; the wall clock expires waiting halves and
 * sFlow conversations; batches go to the store continuously and exporter health is saved
 * periodically. Stopping (signal or duration) closes the sockets and stores everything accepted.
 */
import { UsageError } from '../util/errors.js';
import { listenUdp, type ListenerKind, type UdpListener } from '../flowexport/transport/udp.js';
import { FlowExportPipeline, type FlowExportContext, type FlowExportStats } from './flowexport.js';
import type { CollectMetrics } from './metrics.js';

export interface ListenSpec {
  kind: ListenerKind;
  /** 0 picks a free port (reported in the summary and by onListening). */
  port: number;
}

export interface LiveCollectOptions {
  address: string;
  listen: ListenSpec[];
  /** Stops collecting when aborted; everything accepted is stored. */
  signal: AbortSignal;
  onListening?: (listeners: readonly ListenerInfo[]) => void;
  /** Called every `statusEveryMs` with the running figures. */
  onStatus?: (s: CollectSummary) => void;
  statusEveryMs?: number;
  /** How often exporter health is saved while collecting (ms). */
  healthEveryMs?: number;
  /** Prometheus metrics: exporter health and the store queue are read at scrape time, appends timed. */
  metrics?: CollectMetrics;
}

export interface ListenerInfo {
  kind: ListenerKind;
  address: string;
  port: number;
  recvBufferSize: number;
}

export interface CollectSummary extends FlowExportStats {
  listeners: ListenerInfo[];
  exporters: number;
  /** Datagrams the kernel dropped on our sockets (receive buffer full); null when unknown. */
  kernelDrops: number | null;
  /** Records emitted and not yet handed to the store. */
  pending: number;
  /** Conversations held by the aggregator. */
  open: number;
  durationMs: number;
}

const TICK_MS = 1000;
/** At stop, how long datagrams already queued in the sockets may take to be read. */
const DRAIN_MAX_MS = 2000;

export async function collectLive(ctx: FlowExportContext, opts: LiveCollectOptions): Promise<CollectSummary> {
  const pipeline = new FlowExportPipeline(opts.metrics ? { ...ctx, store: opts.metrics.timed(ctx.store) } : ctx);
  const batchSize = ctx.batchSize ?? 8_192;
  const started = Date.now();
  const listeners: UdpListener[] = [];
  // Store work runs strictly in order on one chain; a failure stops the collector.
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  let pumping = false;
  let savedAt = 0;
  const stopped = new AbortController();
  const run = (work: () => Promise<void>): void => {
    chain = chain.then(work).catch((e: unknown) => {
      failure ??= e;
      stopped.abort();
    });
  };
  const onDatagram = (index: number) => (buf: Buffer, from: string, receivedMs: number, hint: 'netflow' | 'sflow' | 'auto') => {
    pipeline.datagram(buf, from, receivedMs, hint, index);
    if (!pumping && pipeline.pending >= batchSize) {
      pumping = true;
      run(async () => {
        try {
          await pipeline.pump();
        } finally {
          pumping = false;
        }
      });
    }
  };
  // Read live while the sockets are open; the last reading is kept once they are closed.
  let finalDrops: (number | null)[] | null = null;
  const dropsOf = (i: number): number | null => (finalDrops ? finalDrops[i] : listeners[i].kernelDrops());
  const kernelDrops = (i: number): number => dropsOf(i) ?? 0;
  const totalDrops = (): number | null => {
    let sum: number | null = null;
    for (let i = 0; i < listeners.length; i++) {
      const d = dropsOf(i);
      if (d !== null) sum = (sum ?? 0) + d;
    }
    return sum;
  };
  const summary = (): CollectSummary => ({
    ...pipeline.stats,
    listeners: listeners.map((l) => ({ kind: l.kind, address: l.address, port: l.port, recvBufferSize: l.recvBufferSize })),
    exporters: new Set(pipeline.health.all().map((h) => h.exporter)).size,
    kernelDrops: totalDrops(),
    pending: pipeline.pending,
    open: pipeline.aggregator.size,
    durationMs: Date.now() - started,
  });

  try {
    for (const spec of opts.listen) {
      try {
        listeners.push(await listenUdp(spec.kind, opts.address, spec.port, onDatagram(listeners.length)));
      } catch (e) {
        throw listenError(spec, opts.address, e);
      }
    }
    opts.metrics?.watch({ health: () => pipeline.healthRows(kernelDrops), pending: () => pipeline.pending });
    opts.onListening?.(summary().listeners);
    const timers = [
      setInterval(() => run(() => pipeline.tick(Date.now())), TICK_MS),
      setInterval(() => {
        // Saved when something changed: a quiet collector leaves the store file alone.
        const seen = pipeline.stats.datagrams;
        if (seen !== savedAt) {
          savedAt = seen;
          run(() => pipeline.saveHealth(kernelDrops));
        }
      }, opts.healthEveryMs ?? 2000),
    ];
    if (opts.onStatus) {
      const onStatus = opts.onStatus;
      timers.push(setInterval(() => onStatus(summary()), opts.statusEveryMs ?? 2000));
    }
    await new Promise<void>((resolve) => {
      if (opts.signal.aborted || stopped.signal.aborted) return resolve();
      opts.signal.addEventListener('abort', () => resolve(), { once: true });
      stopped.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    for (const t of timers) clearInterval(t);
  } finally {
    // What the kernel already holds for us is read before the sockets close; then everything
    // accepted is stored.
    await drainSockets(listeners);
    finalDrops = listeners.map((l) => l.kernelDrops());
    await Promise.all(listeners.map((l) => l.close()));
    await chain;
    if (failure === null) await pipeline.finish(kernelDrops);
  }
  if (failure !== null) throw failure;
  return summary();
}

/** Let the event loop read what is queued in the sockets (bounded: a flood does not hold the stop up). */
async function drainSockets(listeners: readonly UdpListener[]): Promise<void> {
  const deadline = Date.now() + DRAIN_MAX_MS;
  while (Date.now() < deadline && listeners.some((l) => (l.queuedBytes() ?? 0) > 0)) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

function listenError(spec: ListenSpec, address: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const where = `${address.includes(':') ? `[${address}]` : address}:${spec.port}/udp (${spec.kind})`;
  if (code === 'EADDRINUSE') return new UsageError(`cannot listen on ${where}: the port is in use (another collector?); pick another with --${spec.kind} PORT`);
  if (code === 'EACCES') return new UsageError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges)`);
  if (code === 'EADDRNOTAVAIL' || code === 'EINVAL' || code === 'ENOTFOUND') return new UsageError(`cannot listen on ${where}: no such local address`);
  return new UsageError(`cannot listen on ${where}: ${(e as Error).message}`);
}
