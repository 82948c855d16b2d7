/**
 * Live capture through Debian's tcpdump: `tcpdump -w - -U -i IFACE ...` as a child process (no
 * shell), its stdout exposed as a pcap byte stream for the one capture reader. tcpdump does the
 * privileged part (opening the interface, BPF) so flowmap itself needs no native module.
 */
import { spawn } from 'node:child_process';

export interface TcpdumpOptions {
  /** Interface to capture on (`any` works too: Linux SLL frames). */
  iface: string;
  /** BPF filter, passed as argv (never through a shell). An array is joined by tcpdump itself. */
  bpf?: string | string[];
  /** Bytes kept per frame (`-s`); default tcpdump's (262144). */
  snaplen?: number;
  /** tcpdump binary; default `tcpdump` from PATH. */
  tcpdumpPath?: string;
  /** Command prefix, e.g. `['ip', 'netns', 'exec', 'lab']` (it must exec tcpdump, not fork it). */
  wrapper?: string[];
  /** Shorthand for wrapper `ip netns exec NAME`. */
  netns?: string;
  /** Deliver packets as they arrive (`--immediate-mode`); default true, else libpcap batches them. */
  immediate?: boolean;
  /** Kernel capture buffer in KiB (`-B`). */
  bufferKiB?: number;
  /** Put the interface in promiscuous mode; default true (false = `-p`). */
  promiscuous?: boolean;
  /** After stop(), SIGKILL if tcpdump has not exited within this many ms. Default 5000. */
  killAfterMs?: number;
}

export interface TcpdumpResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** stop() was called (a SIGTERM exit is then a success). */
  stopped: boolean;
  /** Set when the capture failed: tcpdump missing, bad interface, no permission, bad filter... */
  error?: TcpdumpError;
  /** tcpdump's own end-of-capture counters, when it printed them. */
  captured?: number;
  received?: number;
  dropped?: number;
}

export interface LiveCapture {
  /** The pcap byte stream. Throws the TcpdumpError at the end if tcpdump failed. Iterate once. */
  chunks: AsyncIterable<Buffer>;
  /** SIGTERM to tcpdump; it flushes, and `chunks` delivers the rest before ending. Idempotent. */
  stop(): void;
  /** Always resolves (failures are in `.error`), once tcpdump has exited and its output is read. */
  done: Promise<TcpdumpResult>;
  /** true once tcpdump reports `listening on ...`; false if it exited first. */
  ready: Promise<boolean>;
  /** stop() has been called. */
  readonly stopped: boolean;
  /** The argv run (wrapper included). */
  argv: string[];
  pid: number | undefined;
}

/** A capture failure with one clear line for people, plus the exit code. */
export class TcpdumpError extends Error {
  override name = 'TcpdumpError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export const TCPDUMP_NOT_FOUND = 'tcpdump not found: install it (apt-get install tcpdump)';

/** The argv for tcpdump alone (no wrapper). */
export function tcpdumpArgs(opts: TcpdumpOptions): string[] {
  const args = ['-w', '-', '-U', '-n', '-i', opts.iface];
  if (opts.immediate !== false) args.push('--immediate-mode');
  if (opts.snaplen !== undefined) args.push('-s', String(opts.snaplen));
  if (opts.bufferKiB !== undefined) args.push('-B', String(opts.bufferKiB));
  if (opts.promiscuous === false) args.push('-p');
  if (opts.bpf !== undefined) {
    const parts = Array.isArray(opts.bpf) ? opts.bpf : [opts.bpf];
    // '--' so a filter starting with '-' is never read as an option.
    const filter = parts.filter((p) => p.trim() !== '');
    if (filter.length > 0) args.push('--', ...filter);
  }
  return args;
}

/** The one line worth showing from tcpdump's stderr on failure. */
export function tcpdumpErrorLine(stderr: string, code: number | null): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const useful = lines.filter((l) => !/^tcpdump: listening on|packets (captured|received|dropped)/.test(l));
  if (useful.some((l) => /exec of ".*" failed: No such file or directory|tcpdump: not found/.test(l))) return TCPDUMP_NOT_FOUND;
  const main = useful.find((l) => l.startsWith('tcpdump: ')) ?? useful[0];
  return main ?? `tcpdump exited with code ${code}`;
}

function counter(stderr: string, what: string): number | undefined {
  const m = new RegExp(`(\\d+) packets? ${what}`).exec(stderr);
  return m ? Number(m[1]) : undefined;
}

export function startTcpdump(opts: TcpdumpOptions): LiveCapture {
  const wrapper = opts.wrapper ?? (opts.netns ? ['ip', 'netns', 'exec', opts.netns] : []);
  const argv = [...wrapper, opts.tcpdumpPath ?? 'tcpdump', ...tcpdumpArgs(opts)];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stopped = false;
  let exited = false;
  let spawnError: NodeJS.ErrnoException | null = null;
  let killTimer: NodeJS.Timeout | null = null;

  let markReady: (v: boolean) => void = () => {};
  const ready = new Promise<boolean>((resolve) => (markReady = resolve));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < 65536) stderr += s;
    if (/listening on /.test(stderr)) markReady(true);
  });

  const done = new Promise<TcpdumpResult>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (exited) return;
      exited = true;
      if (killTimer) clearTimeout(killTimer);
      markReady(false);
      const result: TcpdumpResult = {
        code,
        signal,
        stderr,
        stopped,
        captured: counter(stderr, 'captured'),
        received: counter(stderr, 'received by filter'),
        dropped: counter(stderr, 'dropped by kernel'),
      };
      if (spawnError) {
        const msg = spawnError.code === 'ENOENT' ? (wrapper.length ? `${argv[0]} not found` : TCPDUMP_NOT_FOUND) : `cannot run ${argv[0]}: ${spawnError.message}`;
        result.error = new TcpdumpError(msg, null, stderr);
      } else {
        const ok = code === 0 || (stopped && (signal === 'SIGTERM' || signal === 'SIGINT'));
        if (!ok) result.error = new TcpdumpError(tcpdumpErrorLine(stderr, code), code, stderr);
      }
      resolve(result);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      // A failed spawn emits no 'close' on every Node version: settle here too.
      setImmediate(() => finish(null, null));
    });
    child.on('close', (code, signal) => finish(code, signal));
  });

  const stop = (): void => {
    if (stopped || exited) return;
    stopped = true;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 5000);
    killTimer.unref();
  };

  async function* read(): AsyncGenerator<Buffer> {
    let complete = false;
    try {
      for await (const chunk of child.stdout) yield chunk as Buffer;
      complete = true;
    } finally {
      // The consumer gave up early: do not leave tcpdump running.
      if (!complete) stop();
    }
    const r = await done;
    if (r.error) throw r.error;
  }

  return {
    chunks: read(),
    stop,
    done,
    ready,
    argv,
    pid: child.pid,
    get stopped() {
      return stopped;
    },
  };
}
