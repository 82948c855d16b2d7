/**
 * Test support: agent snapshots built by hand (what `flowmap agent` would send), validated through
 * the same schema the server uses.
 */
import { parseSnapshot, SNAPSHOT_VERSION, type AgentProcess, type AgentSnapshot, type AgentSnapshotInput } from '../sources/agent/snapshot.js';

type SocketIn = AgentSnapshotInput['sockets'][number];

export function proc(pid: number, comm: string, more: Partial<AgentProcess> = {}): AgentProcess {
  return { pid, comm, exe: `/usr/bin/${comm}`, cmdline: `${comm} --serve`, user: 'svc', uid: 999, container: null, cgroup: null, ...more };
}

export function listen(addr: string, port: number, pid: number | null, proto: 'tcp' | 'udp' = 'tcp'): SocketIn {
  return { proto, state: 'listen', local_addr: addr, local_port: port, remote_addr: null, remote_port: null, pid };
}

export function conn(local: string, localPort: number, remote: string, remotePort: number, pid: number | null): SocketIn {
  return { proto: 'tcp', state: 'established', local_addr: local, local_port: localPort, remote_addr: remote, remote_port: remotePort, pid };
}

/** A valid snapshot; throws (failing the test) when the input is not one. */
export function snapshot(host: string, timeMs: number, addresses: string[], sockets: SocketIn[], processes: AgentProcess[], intervalS = 60): AgentSnapshot {
  const r = parseSnapshot({ version: SNAPSHOT_VERSION, host, time_ms: timeMs, interval_s: intervalS, addresses, sockets, processes } satisfies AgentSnapshotInput);
  if (!r.ok) throw new Error(`test snapshot is invalid: ${r.error}`);
  return r.snapshot;
}
