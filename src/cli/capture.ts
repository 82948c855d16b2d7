import type { Command } from 'commander';
import { UsageError } from '../util/errors.js';
import { cliContext, withStore } from './context.js';
import { EXIT_OK, action, say } from './exit.js';
import { stopOnSignals } from './signals.js';

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
        const snaplen = Number(opts.snaplen);
        if (!Number.isInteger(snaplen) || snaplen < 64 || snaplen > 262144) throw new UsageError(`--snaplen: ${opts.snaplen} is not 64..262144`);
        const ctx = await cliContext(cmd);
        // Loaded when the command runs: `flowmap --help` and other commands start faster.
        const [{ ingestCapture }, { startTcpdump }, { summaryLine }] = await Promise.all([
          import('../pipeline/ingest.js'),
          import('../sources/capture/tcpdump.js'),
          import('./summary.js'),
        ]);
        return withStore(ctx, async (store, ready) => {
          const live = startTcpdump({ iface: opts.interface, bpf: opts.bpf, snaplen });
          void live.ready.then((listening) => {
            if (listening && !opts.quiet) say(`capturing on ${opts.interface}; flows are stored as they expire (SIGINT/SIGTERM stores the rest and stops)`);
          });
          const release = stopOnSignals(() => live.stop());
          const timer = duration === undefined ? undefined : setTimeout(() => live.stop(), duration * 1000);
          try {
            const summary = await ingestCapture(
              live.chunks,
              `capture:${opts.interface}`,
              {
                store,
                services: ctx.services,
                idleTimeoutMs: ctx.config.flows.idleTimeoutMs,
                activeTimeoutMs: ctx.config.flows.activeTimeoutMs,
                maxFlows: ctx.config.flows.maxFlows,
                storeReady: ready,
              },
              { live: true },
            );
            const done = await live.done;
            if (done.error) throw done.error;
            if (!opts.quiet) {
              say(summaryLine(summary));
              if (done.dropped !== undefined) {
                say(`tcpdump: ${done.captured ?? '?'} captured, ${done.received ?? '?'} received by filter, ${done.dropped} dropped by kernel`);
              }
            }
            if (opts.json) process.stdout.write(JSON.stringify({ ...summary, kernelDropped: done.dropped ?? null }, null, 2) + '\n');
            return EXIT_OK;
          } finally {
            if (timer) clearTimeout(timer);
            release();
            live.stop(); // no-op once tcpdump has ended; stops it when the store failed
          }
        }, { worker: true, shared: true });
      }),
    );
}
