import type { Command } from 'commander';
import type { IngestSummary } from '../pipeline/ingest.js';
import type { TcpdumpResult } from '../sources/capture/tcpdump.js';
import type { Store } from '../store/store.js';
import { UsageError } from '../util/errors.js';
import { cliContext, withStore, type CliContext } from './context.js';
import { EXIT_OK, action, say } from './exit.js';
import { stopOnSignals } from './signals.js';
import { summaryLine } from './summary.js';

interface CaptureOptions {
  interface: string;
  bpf?: string;
  duration?: string;
  snaplen?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerCapture(program: Command): void {
  program
    .command('capture')
    .description('capture a live interface (via tcpdump) into the store; flows are stored as they expire')
    .requiredOption('-i, --interface <iface>', 'interface to capture on')
    .option('--bpf <filter>', 'BPF capture filter, e.g. "not port 22"')
    .option('--duration <seconds>', 'stop after this many seconds (default: until SIGINT/SIGTERM)')
    .option('--snaplen <bytes>', 'bytes captured per packet (headers are enough: bytes are counted from IP lengths)', '256')
    .option('--json', 'print the summary as JSON on stdout')
    .option('-q, --quiet', 'no summary line on stderr')
    .action(
      action(async (opts: CaptureOptions, cmd: Command) => {
        const duration = opts.duration === undefined ? undefined : Number(opts.duration);
        if (duration !== undefined && !(duration > 0)) throw new UsageError(`--duration: ${opts.duration} is not a positive number of seconds`);
        const snaplen = parseSnaplen(opts.snaplen);
        const ctx = await cliContext(cmd);
        return withStore(ctx, async (store, ready) => {
          const live = await startCapture(ctx, store, ready, { iface: opts.interface, bpf: opts.bpf, snaplen, quiet: opts.quiet });
          const release = stopOnSignals(() => live.stop());
          const timer = duration === undefined ? undefined : setTimeout(() => live.stop(), duration * 1000);
          try {
            const { summary, done } = await live.result;
            if (!opts.quiet) reportCapture(summary, done);
            if (opts.json) process.stdout.write(JSON.stringify({ ...summary, kernelDropped: done.dropped ?? null }, null, 2) + '\n');
            return EXIT_OK;
          } finally {
            if (timer) clearTimeout(timer);
            release();
          }
        }, { worker: true, shared: true });
      }),
    );
}

/** --snaplen, checked. */
export function parseSnaplen(text: string | undefined): number {
  const snaplen = Number(text);
  if (!Number.isInteger(snaplen) || snaplen < 64 || snaplen > 262144) throw new UsageError(`--snaplen: ${text} is not 64..262144`);
  return snaplen;
}

export interface RunningCapture {
  /** Stop tcpdump; `result` settles once every flow seen is stored. */
  stop(): void;
  result: Promise<{ summary: IngestSummary; done: TcpdumpResult }>;
}

/**
 * Live capture into the store until stopped (`capture`, and `serve --capture`): tcpdump's stream
 * through the one capture ingest path, flows stored as they expire.
 */
export async function startCapture(
  ctx: CliContext,
  store: Store,
  ready: Promise<void>,
  o: { iface: string; bpf?: string; snaplen: number; quiet?: boolean },
): Promise<RunningCapture> {
  // Loaded when a capture runs: `flowmap --help` and other commands start faster.
  const [{ ingestCapture }, { startTcpdump }] = await Promise.all([import('../pipeline/ingest.js'), import('../sources/capture/tcpdump.js')]);
  const live = startTcpdump({ iface: o.iface, bpf: o.bpf, snaplen: o.snaplen });
  void live.ready.then((listening) => {
    if (listening && !o.quiet) say(`capturing on ${o.iface}; flows are stored as they expire (SIGINT/SIGTERM stores the rest and stops)`);
  });
  const result = (async () => {
    try {
      const summary = await ingestCapture(
        live.chunks,
        `capture:${o.iface}`,
        {
          store,
          services: ctx.services,
          idleTimeoutMs: ctx.config.flows.idleTimeoutMs,
          activeTimeoutMs: ctx.config.flows.activeTimeoutMs,
          maxFlows: ctx.config.flows.maxFlows,
          conversationMemory: ctx.config.flows.conversationMemory,
          storeReady: ready,
        },
        { live: true },
      );
      const done = await live.done;
      if (done.error) throw done.error;
      return { summary, done };
    } finally {
      live.stop(); // no-op once tcpdump has ended; stops it when the store failed
    }
  })();
  return { stop: () => live.stop(), result };
}

/** The summary lines of a finished capture. */
export function reportCapture(summary: IngestSummary, done: TcpdumpResult): void {
  say(summaryLine(summary));
  if (done.dropped !== undefined) say(`tcpdump: ${done.captured ?? '?'} captured, ${done.received ?? '?'} received by filter, ${done.dropped} dropped by kernel`);
}
