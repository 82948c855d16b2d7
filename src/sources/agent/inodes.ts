/**
 * Socket inode → the pid holding it, by walking /proc/PID/fd (`socket:[INODE]` links), as lsof and
 * ss -p do. Only the inodes asked for are kept, and the walk stops once all are found, so its cost is
 * one readlink per open descriptor at most.
 */
import { readdirSync, readlinkSync } from 'node:fs';

export interface InodeOwners {
  /** inode → pid; a socket shared by several processes (pre-fork servers) gets the lowest pid, the parent. */
  owners: Map<number, number>;
  /** Processes whose descriptors could not be read (not root, or gone meanwhile). */
  unreadable: number;
}

export function pidsOnHost(proc = '/proc'): number[] {
  const pids: number[] = [];
  for (const name of readdirSync(proc)) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) {
      const pid = Number(name);
      if (Number.isSafeInteger(pid)) pids.push(pid);
    }
  }
  return pids.sort((a, b) => a - b);
}

export function socketOwners(wanted: ReadonlySet<number>, proc = '/proc'): InodeOwners {
  const owners = new Map<number, number>();
  let unreadable = 0;
  if (wanted.size === 0) return { owners, unreadable };
  for (const pid of pidsOnHost(proc)) {
    const fdDir = `${proc}/${pid}/fd`;
    let fds: string[];
    try {
      fds = readdirSync(fdDir);
    } catch {
      unreadable++;
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`${fdDir}/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      // "socket:[12345]"
      if (!target.startsWith('socket:[')) continue;
      const inode = Number(target.slice(8, -1));
      if (wanted.has(inode) && !owners.has(inode)) owners.set(inode, pid);
    }
    if (owners.size === wanted.size) break;
  }
  return { owners, unreadable };
}
