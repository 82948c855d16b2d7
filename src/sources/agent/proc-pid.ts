/**
 * One process as /proc shows it: comm, exe, argv, owner and cgroup. Only these files are read:
 * never /proc/PID/environ, never a file the process has open.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { SNAPSHOT_LIMITS, type AgentProcess } from './snapshot.js';
import { parseCgroup } from './cgroup.js';

const read = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/** argv from /proc/PID/cmdline (NUL-separated) joined by spaces, cut to the snapshot's bound. */
export function joinCmdline(raw: string): string | null {
  const args = raw.split('\0');
  while (args.length > 0 && args[args.length - 1] === '') args.pop();
  const s = args.join(' ').slice(0, SNAPSHOT_LIMITS.cmdline);
  return s === '' ? null : s;
}

/** The effective uid from /proc/PID/status (`Uid: real effective saved fs`), as ps shows it. */
export function effectiveUid(status: string): number | null {
  const m = /^Uid:\s+\d+\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** The process, or null when it is gone (it may exit between the fd walk and this read). */
export function readProcess(pid: number, users: ReadonlyMap<number, string>, proc = '/proc'): AgentProcess | null {
  const dir = `${proc}/${pid}`;
  const comm = read(`${dir}/comm`);
  if (comm === null) return null;
  let exe: string | null = null;
  try {
    // A deleted binary reads as "/path (deleted)": kept, it is what an operator wants to see.
    exe = readlinkSync(`${dir}/exe`).slice(0, SNAPSHOT_LIMITS.exe);
  } catch {
    // kernel thread, or not ours to read (EACCES without CAP_SYS_PTRACE)
  }
  const cmdline = read(`${dir}/cmdline`);
  const status = read(`${dir}/status`);
  const uid = status === null ? null : effectiveUid(status);
  const cg = read(`${dir}/cgroup`);
  const { cgroup, container } = cg === null ? { cgroup: null, container: null } : parseCgroup(cg);
  return {
    pid,
    comm: comm.replace(/\n$/, '').slice(0, SNAPSHOT_LIMITS.comm),
    exe,
    cmdline: cmdline === null ? null : joinCmdline(cmdline),
    user: uid === null ? null : (users.get(uid) ?? null),
    uid,
    container: container === null ? null : container.slice(0, SNAPSHOT_LIMITS.container),
    cgroup: cgroup === null ? null : cgroup.slice(0, SNAPSHOT_LIMITS.cgroup),
  };
}
