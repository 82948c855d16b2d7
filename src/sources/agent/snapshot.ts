/**
 * One `flowmap agent` snapshot: a host's sockets and the processes behind them, as sent to
 * `POST /api/v1/agent` and written as one JSON line by `--output`. It is input from the network, so
 * every field is validated and length-bounded here, once, for the server and `ingest --sockets` alike.
 */
import { z } from 'zod';
import { tryParseIp, formatAddr } from '../../util/ip.js';

export const SNAPSHOT_VERSION = 1;

/** Bounds: a host with tens of thousands of sockets fits; anything beyond is refused, not truncated. */
export const SNAPSHOT_LIMITS = {
  sockets: 200_000,
  processes: 50_000,
  addresses: 1_024,
  hostName: 253,
  comm: 64,
  exe: 1_024,
  cmdline: 512,
  user: 64,
  container: 256,
  cgroup: 512,
} as const;

// Control characters never reach a store: they would only serve to confuse a terminal or a log.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function text(max: number) {
  return z.string().max(max * 4).transform((s) => s.replace(CONTROL, '\uFFFD').slice(0, max));
}

/** An address in any accepted spelling, stored canonical (dotted quad for IPv4 and IPv4-mapped). */
const address = z.string().max(64).transform((s, ctx) => {
  const w = tryParseIp(s);
  if (w === null) {
    ctx.addIssue({ code: 'custom', message: `not an IPv4 or IPv6 address: ${JSON.stringify(s.slice(0, 64))}` });
    return z.NEVER;
  }
  return formatAddr(w);
});

const port = z.number().int().min(0).max(65_535);

export const socketSchema = z.object({
  proto: z.enum(['tcp', 'udp']),
  /** listen: a TCP listener or a bound UDP socket with no peer; established: a TCP connection. */
  state: z.enum(['listen', 'established']),
  local_addr: address,
  local_port: port,
  /** Null for listeners. */
  remote_addr: address.nullable(),
  remote_port: port.nullable(),
  /** The owning process; null when the agent could not see it (no permission, process gone). */
  pid: z.number().int().min(0).max(2 ** 31).nullable(),
});

export const processSchema = z.object({
  pid: z.number().int().min(0).max(2 ** 31),
  /** /proc/PID/comm: the kernel's 15-character process name. */
  comm: text(SNAPSHOT_LIMITS.comm),
  exe: text(SNAPSHOT_LIMITS.exe).nullable(),
  /** Arguments joined by spaces, truncated; never the environment. */
  cmdline: text(SNAPSHOT_LIMITS.cmdline).nullable(),
  user: text(SNAPSHOT_LIMITS.user).nullable(),
  uid: z.number().int().min(0).max(2 ** 32).nullable(),
  /** A container id (docker, podman, containerd, kubepods) read from the cgroup path; null on the host. */
  container: text(SNAPSHOT_LIMITS.container).nullable(),
  cgroup: text(SNAPSHOT_LIMITS.cgroup).nullable(),
});

export const snapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  /** The host's own name (gethostname), as the agent sees it. */
  host: text(SNAPSHOT_LIMITS.hostName).pipe(z.string().min(1)),
  /** When the snapshot was taken, Unix milliseconds. */
  time_ms: z.number().int().min(0).max(8_640_000_000_000_000),
  /** The snapshot period the agent runs at, seconds: how long a socket seen once is taken to have lived. */
  interval_s: z.number().min(0.1).max(86_400),
  /** Every address on the host's interfaces (loopback included): a wildcard listener answers on all. */
  addresses: z.array(address).max(SNAPSHOT_LIMITS.addresses),
  sockets: z.array(socketSchema).max(SNAPSHOT_LIMITS.sockets),
  processes: z.array(processSchema).max(SNAPSHOT_LIMITS.processes),
});

export type AgentSocket = z.output<typeof socketSchema>;
export type AgentProcess = z.output<typeof processSchema>;
export type AgentSnapshot = z.output<typeof snapshotSchema>;
/** What an agent builds before validation (addresses in any spelling). */
export type AgentSnapshotInput = z.input<typeof snapshotSchema>;

/** Validates a decoded JSON value; the message names the first problem's path. */
export function parseSnapshot(value: unknown): { ok: true; snapshot: AgentSnapshot } | { ok: false; error: string } {
  const r = snapshotSchema.safeParse(value);
  if (r.success) return { ok: true, snapshot: r.data };
  const issue = r.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join('.') : 'snapshot';
  return { ok: false, error: `${where}: ${issue.message}` };
}

/** True for 0.0.0.0 and :: (a listener there answers on every address of its host). */
export function isWildcard(addr: string): boolean {
  return addr === '0.0.0.0' || addr === '::';
}
