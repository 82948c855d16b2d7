/**
 * One snapshot of this host: its sockets (/proc/self/net, which follows the reader's network
 * namespace), the processes behind them, its addresses and name, validated with the snapshot schema so
 * the agent never sends what the server would refuse.
 */
import { readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { parseProcNet, type NetSocket, type SocketProto } from './proc-net.js';
import { socketOwners } from './inodes.js';
import { readProcess } from './proc-pid.js';
import { readUsers } from './users.js';
import { SNAPSHOT_VERSION, parseSnapshot, type AgentProcess, type AgentSnapshot, type AgentSnapshotInput } from './snapshot.js';

export interface TakeOptions {
  intervalS: number;
  /** The /proc to read (tests point it elsewhere); `${proc}/self/net` holds the tables. */
  proc?: string;
  now?: () => number;
}

export interface TakenSnapshot {
  snapshot: AgentSnapshot;
  /** Sockets whose process the agent could not see (pid null). */
  unowned: number;
  /** Table lines that did not parse. */
  malformed: number;
}

const TABLES: [file: string, proto: SocketProto][] = [
  ['tcp', 'tcp'],
  ['tcp6', 'tcp'],
  ['udp', 'udp'],
  ['udp6', 'udp'],
];

/** Every interface address, loopback included, once each (os.networkInterfaces sees the current netns). */
export function hostAddresses(): string[] {
  const seen = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) seen.add(a.address);
  return [...seen];
}

function readTables(proc: string): { sockets: NetSocket[]; malformed: number } {
  const sockets: NetSocket[] = [];
  let malformed = 0;
  for (const [file, proto] of TABLES) {
    let text: string;
    try {
      text = readFileSync(`${proc}/self/net/${file}`, 'utf8');
    } catch {
      continue; // no IPv6 in this kernel, say
    }
    const r = parseProcNet(text, proto);
    for (const s of r.sockets) sockets.push(s);
    malformed += r.malformed;
  }
  return { sockets, malformed };
}

export function takeSnapshot(opts: TakeOptions): TakenSnapshot {
  const proc = opts.proc ?? '/proc';
  const time = (opts.now ?? Date.now)();
  const { sockets, malformed } = readTables(proc);
  const { owners } = socketOwners(new Set(sockets.map((s) => s.inode)), proc);
  const users = readUsers();
  const processes = new Map<number, AgentProcess | null>();
  let unowned = 0;
  const out: AgentSnapshotInput['sockets'] = [];
  for (const s of sockets) {
    let pid = owners.get(s.inode) ?? null;
    if (pid !== null && !processes.has(pid)) processes.set(pid, readProcess(pid, users, proc));
    if (pid !== null && processes.get(pid) === null) pid = null; // exited between the two reads
    if (pid === null) unowned++;
    out.push({ proto: s.proto, state: s.state, local_addr: s.localAddr, local_port: s.localPort, remote_addr: s.remoteAddr, remote_port: s.remotePort, pid });
  }
  const input: AgentSnapshotInput = {
    version: SNAPSHOT_VERSION,
    host: hostname(),
    time_ms: time,
    interval_s: opts.intervalS,
    addresses: hostAddresses(),
    sockets: out,
    processes: [...processes.values()].filter((p): p is AgentProcess => p !== null),
  };
  const r = parseSnapshot(input);
  // Reaching this is a bug of the agent (or a host beyond the schema's bounds): say which field.
  if (!r.ok) throw new Error(`the snapshot does not pass its own schema: ${r.error}`);
  return { snapshot: r.snapshot, unowned, malformed };
}
