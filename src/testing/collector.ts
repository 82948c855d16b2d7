/** Test helper: `flowmap collect` as a child process on free ports, stopped by SIGTERM. */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { CLI } from './cli.js';

export interface RunningCollector {
  /** Bound ports by listener kind (netflow, ipfix, sflow). */
  ports: Record<string, number>;
  /** What it has said on stderr so far. */
  stderr(): string;
  /** SIGTERM, then the exit code and output once it has stored everything. */
  stop(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Start `flowmap --db DB collect --netflow 0 --ipfix 0 --sflow 0 ...extra` and wait until it listens. */
export function startCollect(db: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningCollector> {
  const child = spawn(process.execPath, [CLI, '--db', db, 'collect', '--netflow', '0', '--ipfix', '0', '--sflow', '0', '--json', ...extra], {
    env: { ...process.env, FLOWMAP_DB: '', FLOWMAP_CONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collect did not start listening:\n${stderr}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /collecting on \S+: (.*?); receive buffer/.exec(stderr);
      if (!m || started) return;
      started = true;
      clearTimeout(timer);
      const ports: Record<string, number> = {};
      for (const part of m[1].split(', ')) {
        const [kind, port] = part.split(' ');
        ports[kind] = Number.parseInt(port, 10);
      }
      resolve({
        ports,
        stderr: () => stderr,
        stop: async () => {
          child.kill('SIGTERM');
          const code = await exited;
          return { code, stdout, stderr };
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`collect exited (${code}) before listening:\n${stderr}`));
    });
  });
}

/** Send datagrams to host:port (127.0.0.1 by default), paced so a small receive buffer is not overrun. */
export async function sendDatagrams(port: number, payloads: readonly Buffer[], perTick = 64, host = '127.0.0.1'): Promise<void> {
  const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    for (let i = 0; i < payloads.length; i++) {
      await new Promise<void>((resolve, reject) => sock.send(payloads[i], port, host, (e) => (e ? reject(e) : resolve())));
      if (i % perTick === perTick - 1) await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    sock.close();
  }
}

export interface UdpRelay {
  /** The port to export to. */
  port: number;
  /** Every datagram relayed, in order (to replay into a second collector). */
  datagrams: Buffer[];
  close(): Promise<void>;
}

/** A loopback UDP relay: keeps a copy of each datagram and forwards it to 127.0.0.1:target. */
export function udpRelay(target: number): Promise<UdpRelay> {
  const sock = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  const datagrams: Buffer[] = [];
  sock.on('message', (msg) => {
    datagrams.push(msg);
    sock.send(msg, target, '127.0.0.1');
  });
  return new Promise((resolve) => {
    sock.bind(0, '127.0.0.1', () => {
      resolve({ port: sock.address().port, datagrams, close: () => new Promise<void>((done) => sock.close(() => done())) });
    });
  });
}

/** Poll `flowmap exporters --json` until the collector has taken in `datagrams` datagrams (health is saved every 2 s). */
export async function waitForDatagrams(db: string, datagrams: number, timeoutMs = 60_000): Promise<number> {
  const { runCli } = await import('./cli.js');
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    const r = runCli(['--db', db, 'exporters', '--json']);
    if (r.code === 0) seen = (JSON.parse(r.stdout) as Array<{ datagrams: number }>).reduce((s, h) => s + h.datagrams, 0);
    if (seen >= datagrams) return seen;
    await new Promise((res) => setTimeout(res, 300));
  }
  return seen;
}
