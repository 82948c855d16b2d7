import { isIP } from 'node:net';
import type { Command } from 'commander';
import type { CollectSummary, ListenerInfo, ListenSpec } from '../pipeline/collect.js';
import { UsageError } from '../util/errors.js';
import type { CollectMetrics } from '../pipeline/metrics.js';
import type { MetricsAddress } from '../server/metrics-endpoint.js';
import { cliContext, withStore, type CliContext } from './context.js';
import { flowExportContext } from './flowexport-context.js';
import { EXIT_OK, action, say } from './exit.js';
import { stopOnSignals } from './signals.js';

interface CollectOptions {
  netflow: string | false;
  ipfix: string | false;
  sflow: string | false;
  listen: string;
  duration?: string;
  backlog: string;
  json?: boolean;
  quiet?: boolean;
  metrics?: string;
}

/** The listeners' default UDP ports (IANA / exporter conventions). */
export const DEFAULT_COLLECT_PORTS = { netflow: 2055, ipfix: 4739, sflow: 6343 } as const;

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('receive NetFlow v5/v9, IPFIX and sFlow v5 exports on UDP into the store; the two directions of a flow are paired into client/server records')
    .option('--netflow <port>', 'UDP port for NetFlow v5, v9 and IPFIX (told apart by version); 0 picks a free one', String(DEFAULT_COLLECT_PORTS.netflow))
    .option('--no-netflow', 'no NetFlow listener')
    .option('--ipfix <port>', 'UDP port for IPFIX (NetFlow v5/v9 accepted too)', String(DEFAULT_COLLECT_PORTS.ipfix))
    .option('--no-ipfix', 'no IPFIX listener')
    .option('--sflow <port>', 'UDP port for sFlow v5', String(DEFAULT_COLLECT_PORTS.sflow))
    .option('--no-sflow', 'no sFlow listener')
    .option('--listen <address>', 'local address to listen on (IPv4 or IPv6; 0.0.0.0 or :: for all)', '127.0.0.1')
    .option('--duration <seconds>', 'stop after this many seconds (default: until SIGINT/SIGTERM)')
    .option('--backlog <records>', 'records held in memory while a database server is unreachable (restarting); past it the oldest are dropped and counted in `flowmap exporters`', '1000000')
    .option('--json', 'print the summary as JSON on stdout')
    .option('-q, --quiet', 'no status or summary on stderr')
    .option('--metrics <addr:port>', 'serve Prometheus metrics at http://ADDR:PORT/metrics (a port alone binds 127.0.0.1; beyond loopback needs FLOWMAP_TOKEN or serve.token)')
    .addHelpText(
      'after',
      '\nRecords reach the store in batches as they complete (flowmap top can run meanwhile); exporter\n' +
        'health (datagrams, sequence gaps, template misses, errors, kernel drops) is saved for\n' +
        '`flowmap exporters`. Sampled counters are scaled by the sampling rate the exporter states, or by\n' +
        'the `exporters` overrides of the config file.',
    )
    .action(
      action(async (opts: CollectOptions, cmd: Command) => {
        const listen = listenSpecs({ netflow: opts.netflow, ipfix: opts.ipfix, sflow: opts.sflow });
        if (isIP(opts.listen) === 0) throw new UsageError(`--listen: ${opts.listen} is not an IPv4 or IPv6 address`);
        const backlogRecords = Number(opts.backlog);
        if (!Number.isSafeInteger(backlogRecords) || backlogRecords < 1) throw new UsageError(`--backlog: expected a whole number >= 1, got ${JSON.stringify(opts.backlog)}`);
        const duration = opts.duration === undefined ? undefined : Number(opts.duration);
        if (duration !== undefined && !(duration > 0)) throw new UsageError(`--duration: ${opts.duration} is not a positive number of seconds`);
        const ctx = await cliContext(cmd);
        const metricsAt = opts.metrics === undefined ? undefined : (await import('../server/metrics-endpoint.js')).parseMetricsAddress(opts.metrics);
        const [{ collectLive }, { createDecoders }, { RECV_BUFFER_BYTES }] = await Promise.all([
          import('../pipeline/collect.js'),
          import('../flowexport/decoders/index.js'),
          import('../flowexport/transport/udp.js'),
        ]);
        const tty = process.stderr.isTTY === true && !opts.quiet;
        return withStore(
          ctx,
          async (store, ready) => {
            // Listen once the store is open: loading the database engine takes the CPU the first
            // datagrams would need, and a store that cannot open is reported before anything is received.
            await ready;
            const abort = new AbortController();
            const release = stopOnSignals(() => abort.abort());
            const timer = duration === undefined ? undefined : setTimeout(() => abort.abort(), duration * 1000);
            const metrics = metricsAt === undefined ? undefined : await startCollectMetrics(ctx, metricsAt, opts.quiet);
            try {
              const summary = await collectLive(
                flowExportContext(ctx, store, 'collect', createDecoders),
                {
                  address: opts.listen,
                  listen,
                  signal: abort.signal,
                  metrics: metrics?.collect,
                  onListening: (ls) => {
                    if (!opts.quiet) announceListening(opts.listen, ls, RECV_BUFFER_BYTES);
                  },
                  onStatus: tty ? (s) => process.stderr.write(`\r\x1b[K${statusLine(s)}`) : undefined,
                },
              );
              if (tty) process.stderr.write('\r\x1b[K');
              if (!opts.quiet) say(statusLine(summary));
              if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
              return EXIT_OK;
            } finally {
              if (timer) clearTimeout(timer);
              await metrics?.close();
              release();
            }
          },
          { worker: true, shared: true, backlogRecords },
        );
      }),
    );
}

/** The registry and its endpoint for --metrics (token as for `serve`). */
async function startCollectMetrics(ctx: CliContext, at: MetricsAddress, quiet?: boolean): Promise<{ collect: CollectMetrics; close(): Promise<void> }> {
  const [{ CollectMetrics, newRegistry }, { startMetricsServer }] = await Promise.all([import('../pipeline/metrics.js'), import('../server/metrics-endpoint.js')]);
  const registry = newRegistry();
  const token = process.env.FLOWMAP_TOKEN ? process.env.FLOWMAP_TOKEN : ctx.config.serve.token;
  const server = await startMetricsServer(registry, at, token);
  if (!quiet) say(`metrics at ${server.url}${token === undefined ? '' : ' (Authorization: Bearer TOKEN)'}`);
  return { collect: new CollectMetrics(registry), close: () => server.close() };
}

/** The listeners asked for (`false`: none of that kind); ports checked. */
export function listenSpecs(opts: Record<'netflow' | 'ipfix' | 'sflow', string | false>): ListenSpec[] {
  const specs: ListenSpec[] = [];
  for (const kind of ['netflow', 'ipfix', 'sflow'] as const) {
    const v = opts[kind];
    if (v === false) continue;
    const port = Number(v);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--${kind}: ${v} is not a port number 0-65535`);
    specs.push({ kind, port });
  }
  if (specs.length === 0) throw new UsageError('nothing to listen on: --no-netflow, --no-ipfix and --no-sflow all given');
  const ports = specs.filter((s) => s.port !== 0).map((s) => s.port);
  if (new Set(ports).size !== ports.length) throw new UsageError('--netflow, --ipfix and --sflow need different ports');
  return specs;
}

/** Where the collector listens, and a warning when the kernel granted a smaller receive buffer. */
export function announceListening(address: string, ls: readonly ListenerInfo[], asked: number): void {
  const where = ls.map((l) => `${l.kind} ${l.port}/udp`).join(', ');
  say(`collecting on ${address}: ${where}; receive buffer ${Math.round(ls[0].recvBufferSize / 1024)} KiB (SIGINT/SIGTERM stores the rest and stops)`);
  // Linux reports twice the size it grants; the grant is capped by net.core.rmem_max.
  if (ls[0].recvBufferSize > 0 && ls[0].recvBufferSize < asked) {
    say(`receive buffer capped by the kernel below the ${asked >> 20} MiB asked: bursts may be dropped; raise it with sysctl -w net.core.rmem_max=${asked}`);
  }
}

/** One line for people: what came in, what was stored, what was lost. */
export function statusLine(s: CollectSummary): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const parts = [
    `${n(s.datagrams)} datagrams from ${n(s.exporters)} exporter${s.exporters === 1 ? '' : 's'}`,
    `${n(s.flows)} flows`,
    `${n(s.stored)} records stored (${n(s.paired)} paired, ${n(s.unpaired)} one-way, ${n(s.biflows)} biflow, ${n(s.sampled)} from samples)`,
    `${n(s.open)} open`,
    `kernel drops ${s.kernelDrops === null ? 'unknown' : n(s.kernelDrops)}`,
  ];
  if (s.unknown > 0) parts.push(`${n(s.unknown)} datagrams of no known export protocol`);
  if (s.overflow > 0) parts.push(`${n(s.overflow)} records LOST: the store fell behind`);
  return `collect: ${parts.join(', ')}`;
}
