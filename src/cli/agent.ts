/**
 * `flowmap agent`: snapshots this host's sockets and the processes behind them every interval, and
 * sends them to `flowmap serve` (--to), appends them to a file (--output) or prints them (--json).
 */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { TOKEN_PATTERN, TOKEN_RULE } from '../config/model.js';
import { appendSnapshot } from '../sources/agent/jsonl.js';
import { SnapshotSender, agentEndpoint, type SendOutcome } from '../sources/agent/send.js';
import type { AgentSnapshot } from '../sources/agent/snapshot.js';
import { takeSnapshot } from '../sources/agent/take.js';
import { parseDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { agentUnit } from './agent-systemd.js';
import { EXIT_FAILURE, EXIT_OK, action, say } from './exit.js';
import { stopOnSignals } from './signals.js';

export interface AgentOptions {
  interval: string;
  to?: string;
  token?: string;
  output?: string;
  once?: boolean;
  json?: boolean;
  installSystemd?: boolean;
}

const DEFAULT_INTERVAL = '60s';

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('snapshot this host\'s listening and connected sockets and the processes behind them (as lsof -i), every interval')
    .option('--interval <duration>', 'time between snapshots, e.g. 30s, 5m', DEFAULT_INTERVAL)
    .option('--to <url>', 'send each snapshot to this flowmap serve, e.g. http://10.0.0.5:8080 (POST /api/v1/agent)')
    .option('--token <token>', `the server's token (default: $FLOWMAP_TOKEN); ${TOKEN_RULE}`)
    .option('--output <file>', 'append each snapshot as one JSON line to this file (for flowmap ingest --sockets)')
    .option('--once', 'take one snapshot, deliver it, exit (1 if it was not delivered)')
    .option('--json', 'print each snapshot as JSON on stdout (pretty with --once, one line each otherwise)')
    .option('--install-systemd', 'print a systemd unit that runs the agent with these options; changes nothing')
    .addHelpText(
      'after',
      '\nSnapshot: listening TCP sockets and bound, unconnected UDP sockets (state listen), TCP connections\n' +
        '(established, opening or closing: any a process still owns), each with its process (pid, comm, exe, argv up to 512 characters, user, cgroup and\n' +
        'container id); the host\'s name and interface addresses. Never the environment of a process, never\n' +
        'file contents. Connected UDP sockets are left out (they are clients; their server\'s agent reports\n' +
        'the listener). The tables are read from /proc/self/net, so the agent sees the network namespace it\n' +
        'runs in.\n\n' +
        'Permissions: as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, it sees every process; else\n' +
        'sockets of other users\' processes have pid null (counted once on stderr).\n\n' +
        'Delivery (--to): 2xx accepted; 401/403 (token), 400 (invalid), 413 (too large) drop that snapshot\n' +
        'and say why; 5xx, 408, 429 and connection errors are retried with back-off (1 s doubling to 60 s,\n' +
        'jittered; Retry-After honoured) while up to 10 newer snapshots (32 MiB) wait, oldest dropped first.\n' +
        'With --once it retries for at most one --interval, then exits 1.\n' +
        'SIGINT/SIGTERM: one last attempt (5 s at most each, none after one fails) for unsent snapshots,\n' +
        'then exit 0.',
    )
    .action(action(async (opts: AgentOptions) => runAgent(opts)));
}

interface Plan {
  intervalMs: number;
  to?: { url: string; token: string };
  output?: string;
  json: boolean;
  once: boolean;
}

function plan(opts: AgentOptions): Plan {
  const intervalMs = parseDuration(opts.interval, '--interval');
  if (intervalMs < 1_000 || intervalMs > 86_400_000) throw new UsageError(`--interval: ${opts.interval}: expected 1s to 1d`);
  if (opts.token !== undefined && opts.to === undefined) throw new UsageError('--token is for --to URL: add --to');
  let to: Plan['to'];
  if (opts.to !== undefined) {
    try {
      agentEndpoint(opts.to);
    } catch {
      throw new UsageError(`--to: ${JSON.stringify(opts.to)} is not an http:// or https:// URL`);
    }
    const token = opts.token ?? (process.env.FLOWMAP_TOKEN ? process.env.FLOWMAP_TOKEN : undefined);
    // --install-systemd takes the token from the unit's EnvironmentFile, not from here.
    if (token === undefined && !opts.installSystemd) throw new UsageError('--to needs the server\'s token: --token T or FLOWMAP_TOKEN');
    if (token !== undefined && !TOKEN_PATTERN.test(token)) throw new UsageError(`--token: expected ${TOKEN_RULE}`);
    to = { url: opts.to, token: token ?? '' };
  }
  const json = opts.json === true;
  if (to === undefined && opts.output === undefined && !json) {
    throw new UsageError('say where snapshots go: --to URL (with --token or FLOWMAP_TOKEN), --output FILE, or --json');
  }
  return { intervalMs, to, output: opts.output, json, once: opts.once === true };
}

export async function runAgent(opts: AgentOptions): Promise<number> {
  const p = plan(opts);
  if (opts.installSystemd) {
    if (p.to === undefined && p.output === undefined) throw new UsageError('--install-systemd: the service needs --to URL or --output FILE');
    const main = fileURLToPath(new URL('./main.js', import.meta.url));
    process.stdout.write(agentUnit({ command: [process.execPath, main], intervalMs: p.intervalMs, to: p.to?.url, output: p.output }));
    return EXIT_OK;
  }
  return new AgentRun(p).run();
}

class AgentRun {
  private readonly sender: SnapshotSender | null;
  private stopped = false;
  private wake: () => void = () => {};
  private readonly stopSignal: Promise<void>;
  private toldUnowned = false;

  constructor(private readonly p: Plan) {
    this.sender = p.to ? new SnapshotSender({ baseUrl: p.to.url, token: p.to.token, log: say }) : null;
    this.stopSignal = new Promise((resolve) => (this.wake = resolve));
  }

  async run(): Promise<number> {
    const unlisten = stopOnSignals(() => this.stop(), 'stopping after one last delivery attempt');
    // `flowmap agent --json | head`: a closed stdout ends the run, not an EPIPE crash.
    const onStdoutError = (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') say(`stdout: ${e.message}`);
      this.stop();
    };
    process.stdout.on('error', onStdoutError);
    try {
      return this.p.once ? await this.once() : await this.loop();
    } finally {
      unlisten();
      process.stdout.off('error', onStdoutError);
    }
  }

  private stop(): void {
    this.stopped = true;
    this.wake();
  }

  private take(): AgentSnapshot {
    const t = takeSnapshot({ intervalS: this.p.intervalMs / 1000 });
    if (!this.toldUnowned && t.unowned > 0) {
      this.toldUnowned = true;
      say(`${t.unowned} of ${t.snapshot.sockets.length} sockets had no visible process (pid null): run as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to see every process`);
    }
    if (t.malformed > 0) say(`${t.malformed} lines of /proc/net could not be read`);
    return t.snapshot;
  }

  /** Local outputs first: they cannot fail on a server, and a file keeps what a send may lose. */
  private keep(s: AgentSnapshot): void {
    if (this.p.output !== undefined) appendSnapshot(this.p.output, s);
    if (this.p.json && !this.stopped) process.stdout.write(this.p.once ? `${JSON.stringify(s, null, 2)}\n` : `${JSON.stringify(s)}\n`);
  }

  private async once(): Promise<number> {
    const s = this.take();
    this.keep(s);
    if (this.sender === null) return EXIT_OK;
    const fate = this.sender.send(JSON.stringify(s));
    // Retry for at most one interval (or until a signal), then one last attempt.
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.p.intervalMs)));
    await Promise.race([fate, giveUp, this.stopSignal]);
    clearTimeout(timer);
    await this.sender.stop();
    const outcome: SendOutcome = await fate;
    if (outcome === 'accepted') return EXIT_OK;
    if (outcome === 'unsent') say(`the snapshot was not delivered to ${this.sender.endpoint.href}`);
    return EXIT_FAILURE;
  }

  private async loop(): Promise<number> {
    const start = Date.now();
    let n = 0;
    while (!this.stopped) {
      const s = this.take();
      this.keep(s);
      // Fates are reported by the sender itself (refusals, drops); the loop does not wait for them.
      this.sender?.send(JSON.stringify(s)).catch(() => {});
      // Ticks stay on the start's grid; a tick missed by a slow snapshot is skipped, not run late.
      n = Math.max(n + 1, Math.ceil((Date.now() - start) / this.p.intervalMs));
      await this.sleep(start + n * this.p.intervalMs - Date.now());
    }
    if (this.sender) {
      const unsent = await this.sender.stop();
      const st = this.sender.stats;
      say(`delivered ${st.accepted} snapshots, lost ${st.lost} (${st.droppedFromBacklog} dropped from the backlog${unsent > 0 ? `, ${unsent} unsent at stop` : ''})`);
    }
    return EXIT_OK;
  }

  private async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms)))), this.stopSignal]);
    clearTimeout(timer);
  }
}
