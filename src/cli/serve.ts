import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Command } from 'commander';
import { TOKEN_PATTERN, TOKEN_RULE } from '../config/model.js';
import type { ListenSpec } from '../pipeline/collect.js';
import { UsageError } from '../util/errors.js';
import { announceListening, DEFAULT_COLLECT_PORTS, listenSpecs, statusLine } from './collect.js';
import { parseSnaplen, reportCapture, startCapture, type RunningCapture } from './capture.js';
import { cliContext, withStore, type CliContext } from './context.js';
import { EXIT_OK, action, say } from './exit.js';
import { flowExportContext } from './flowexport-context.js';
import { stopOnSignals } from './signals.js';

export interface ServeOptions {
  port?: string;
  listen?: string;
  token?: string;
  open?: boolean;
  netflow?: string | true;
  ipfix?: string | true;
  sflow?: string | true;
  collectListen: string;
  capture?: string;
  bpf?: string;
  snaplen: string;
}

const DEFAULT_PORT = 3000;
const DEFAULT_LISTEN = '127.0.0.1';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the web page: dependency map, tables, host and edge details, exports; optionally collecting live in the same process')
    .option('--port <port>', `HTTP port; 0 picks a free one (default: config serve.port, else ${DEFAULT_PORT})`)
    .option('--listen <address>', `address to serve on; any but loopback needs a token (default: config serve.listen, else ${DEFAULT_LISTEN})`)
    .option('--token <token>', `require this token on every request, and take flowmap agent snapshots (default: $FLOWMAP_TOKEN, else config serve.token); ${TOKEN_RULE}`)
    .option('--open', 'open the page in the desktop browser (xdg-open)')
    .option('--netflow [port]', `also collect NetFlow v5/v9 and IPFIX on this UDP port (${DEFAULT_COLLECT_PORTS.netflow} without a value; 0 picks a free one)`)
    .option('--ipfix [port]', `also collect IPFIX (NetFlow accepted too) on this UDP port (${DEFAULT_COLLECT_PORTS.ipfix} without a value)`)
    .option('--sflow [port]', `also collect sFlow v5 on this UDP port (${DEFAULT_COLLECT_PORTS.sflow} without a value)`)
    .option('--collect-listen <address>', 'local address the collectors listen on (0.0.0.0 or :: for all)', '127.0.0.1')
    .option('--capture <iface>', 'also capture this interface (via tcpdump; needs root or CAP_NET_RAW)')
    .option('--bpf <filter>', 'BPF filter for --capture, e.g. "not port 22"')
    .option('--snaplen <bytes>', 'bytes captured per packet for --capture', '256')
    .addHelpText(
      'after',
      '\nThe page shows the store given by --db (or FLOWMAP_DB, or the config). With --netflow, --ipfix,\n' +
        '--sflow or --capture, flows collected here are stored as by `flowmap collect` / `flowmap capture`\n' +
        'and the page updates itself as they arrive; `flowmap top` can read the store meanwhile.\n\n' +
        'Security: the server binds 127.0.0.1 and answers only requests addressed to localhost,\n' +
        '127.0.0.1 or [::1]. Any other --listen address needs a token; with a token every request needs\n' +
        'it: `Authorization: Bearer TOKEN`, or open http://HOST:PORT/?token=TOKEN once (a cookie keeps it).\n' +
        'API: /api/v1/openapi.json describes every endpoint.\n\n' +
        'SIGINT/SIGTERM stores what the collectors accepted, closes the store and stops.',
    )
    .action(action(async (opts: ServeOptions, cmd: Command) => runServe(await cliContext(cmd), opts)));
}

/** `flowmap serve` with its options parsed (the demo ends here too). */
export async function runServe(ctx: CliContext, opts: ServeOptions): Promise<number> {
  const serve = ctx.config.serve;
  const port = opts.port === undefined ? (serve.port ?? DEFAULT_PORT) : parsePort(opts.port, '--port');
  const listen = opts.listen ?? serve.listen ?? DEFAULT_LISTEN;
  if (isIP(listen) === 0) throw new UsageError(`--listen: ${listen} is not an IPv4 or IPv6 address`);
  const token = opts.token ?? (process.env.FLOWMAP_TOKEN ? process.env.FLOWMAP_TOKEN : undefined) ?? serve.token;
  if (token !== undefined && !TOKEN_PATTERN.test(token)) throw new UsageError(`--token: expected ${TOKEN_RULE}`);
  const { isLoopback, startServer } = await import('../server/server.js');
  if (!isLoopback(listen) && token === undefined) {
    throw new UsageError(`--listen ${listen}: serving beyond this machine needs a token: --token T, FLOWMAP_TOKEN or serve.token in the config (${TOKEN_RULE})`);
  }
  const collectors = collectorSpecs(opts);
  if (isIP(opts.collectListen) === 0) throw new UsageError(`--collect-listen: ${opts.collectListen} is not an IPv4 or IPv6 address`);
  if (opts.bpf !== undefined && opts.capture === undefined) throw new UsageError('--bpf filters --capture: add --capture IFACE');
  const snaplen = parseSnaplen(opts.snaplen);
  const live = collectors.length > 0 || opts.capture !== undefined;
  const [{ apiDeps }, { LiveBus, ObservedStore }] = await Promise.all([import('../server/deps.js'), import('../server/live.js')]);

  // One store for queries and collection, open only while used (shared): `flowmap top` and
  // other readers can use the file meanwhile. Read-only when nothing is collected here and no agent
  // can send (agents need the token).
  return withStore(
    ctx,
    async (store, ready) => {
      await ready;
      const bus = new LiveBus();
      const observed = new ObservedStore(store, bus);
      const deps = apiDeps({ store: observed, spec: ctx.dbSpec, config: ctx.config, services: ctx.services, version: version(), bus });
      const server = await startServer(deps, { port, listen, token });
      const stop = new AbortController();
      const release = stopOnSignals(() => stop.abort(), live ? 'stopping, storing the flows seen so far' : 'stopping');
      const sources: Array<Promise<void>> = [];
      const names: string[] = [];
      let capture: RunningCapture | undefined;
      try {
        say(`serving ${server.url} (store ${deps.storeInfo.display}${token === undefined ? '' : '; token required: open /?token=TOKEN once, or send Authorization: Bearer TOKEN'})`);
        if (collectors.length > 0) {
          const [{ collectLive }, { createDecoders }, { RECV_BUFFER_BYTES }] = await Promise.all([
            import('../pipeline/collect.js'),
            import('../flowexport/decoders/index.js'),
            import('../flowexport/transport/udp.js'),
          ]);
          let listening!: () => void;
          const up = new Promise<void>((resolve) => (listening = resolve));
          const run = collectLive(flowExportContext(ctx, observed, 'collect', createDecoders), {
            address: opts.collectListen,
            listen: collectors,
            signal: stop.signal,
            onListening: (ls) => {
              announceListening(opts.collectListen, ls, RECV_BUFFER_BYTES);
              names.push(...ls.map((l) => `${l.kind} ${l.port}/udp`));
              listening();
            },
          }).then((summary) => say(statusLine(summary)));
          sources.push(run);
          // A port in use fails here, before the page says it is live.
          await Promise.race([up, run]);
        }
        if (opts.capture !== undefined) {
          capture = await startCapture(ctx, observed, ready, { iface: opts.capture, bpf: opts.bpf, snaplen });
          const running = capture;
          stop.signal.addEventListener('abort', () => running.stop(), { once: true });
          sources.push(running.result.then(({ summary, done }) => reportCapture(summary, done)));
          names.push(`capture ${opts.capture}`);
        }
        if (live) bus.info = { sources: names, startedAt: new Date().toISOString() };
        if (opts.open) openBrowser(token === undefined ? server.url : `${server.url}?token=${token}`);
        // Until a signal, or until a source fails (tcpdump missing, the store failing...).
        const stopped = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
        await Promise.race([stopped, ...sources.map((s) => s.then(() => stopped))]);
        // Collectors store what they accepted before their promises settle.
        await Promise.all(sources);
      } finally {
        stop.abort();
        capture?.stop();
        await Promise.allSettled(sources);
        release();
        await server.close();
      }
      return EXIT_OK;
    },
    // With a token, agents may send snapshots (POST /api/v1/agent): the store takes writes then.
    { worker: true, shared: true, readOnly: !live && token === undefined },
  );
}

function parsePort(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 65535) throw new UsageError(`${what}: ${text} is not a port number 0-65535`);
  return Number(text);
}

/** --netflow/--ipfix/--sflow given (with or without a port) -> listeners. */
function collectorSpecs(opts: ServeOptions): ListenSpec[] {
  const value = (kind: 'netflow' | 'ipfix' | 'sflow'): string | false => {
    const v = opts[kind];
    return v === undefined ? false : v === true ? String(DEFAULT_COLLECT_PORTS[kind]) : v;
  };
  const given = { netflow: value('netflow'), ipfix: value('ipfix'), sflow: value('sflow') };
  return Object.values(given).some((v) => v !== false) ? listenSpecs(given) : [];
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The desktop's browser; failing to start one is not an error (the URL is printed). */
function openBrowser(url: string): void {
  try {
    const child = spawn('xdg-open', [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => say(`--open: could not start a browser (xdg-open); open ${url}`));
    child.unref();
  } catch {
    say(`--open: could not start a browser; open ${url}`);
  }
}
