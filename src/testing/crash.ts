/**
 * Test helper for crash tests: the CLI as a child in its own process group (so kill -9 reaches the
 * store worker thread's process and anything it started), the read position of a file it has open
 * (/proc), and a store's whole answer to compare runs by.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { EdgeRow } from '../store/store.js';
import { CLI, runCli } from './cli.js';

export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code, or the signal's name when killed. */
  exited: Promise<number | string>;
  /** SIGKILL to the whole process group, then wait for the exit. */
  kill9(): Promise<number | string>;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, FLOWMAP_DB: '', FLOWMAP_CONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill9: async () => {
      try {
        process.kill(-(proc.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
      return exited;
    },
  };
}

/** Poll `check` every few ms until it returns a value other than undefined; throws with `what` on timeout. */
export async function waitUntil<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, everyMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Where process `pid` is in `path` (the offset of its open descriptor), or null when it has none open. */
export function readPosition(pid: number, path: string): number | null {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== path) continue;
      const m = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (m) return Number(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return null;
}

/** Every edge of a store (sorted), as `top --by edges --json` prints it: bytes, packets, connections, times. */
export function storeEdges(db: string): EdgeRow[] {
  const r = runCli(['--db', db, 'top', '--by', 'edges', '--json', '--limit', '1000000']);
  assert.equal(r.code, 0, `top on ${db}: ${r.stderr}`);
  const rows = JSON.parse(r.stdout) as EdgeRow[];
  const key = (e: EdgeRow) => `${e.proto} ${e.client} ${e.server} ${e.port}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Records in a store (`flowmap db stats`), which must open and answer. */
export function storeRecords(db: string): number {
  const r = runCli(['--db', db, 'db', 'stats']);
  assert.equal(r.code, 0, `db stats on ${db}: ${r.stderr}`);
  const m = /^([\d,]+) records/m.exec(r.stdout + r.stderr);
  assert.ok(m, `db stats output: ${r.stdout}${r.stderr}`);
  return Number(m[1].replace(/,/g, ''));
}

/** Sums over edges: what "no loss, no duplicates" is checked by, beside the rows themselves. */
export function totalsOf(rows: readonly EdgeRow[]): { bytes: number; packets: number; connections: number } {
  return rows.reduce((t, r) => ({ bytes: t.bytes + r.bytes, packets: t.packets + r.packets, connections: t.connections + r.connections }), { bytes: 0, packets: 0, connections: 0 });
}

/**
 * Slow a process group down as cpulimit does (SIGSTOP, SIGCONT): it then runs `runMs` of every
 * `runMs + stopMs`, so a step that takes a second on an idle machine spans several, and the kill lands
 * in the middle of it. Timers (the store worker's commit every second) keep wall-clock time.
 */
export function throttle(pid: number, runMs = 3, stopMs = 47): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const signal = (sig: NodeJS.Signals): boolean => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  const step = (): void => {
    if (stopped) return;
    if (!signal('SIGSTOP')) return;
    timer = setTimeout(() => {
      if (stopped || !signal('SIGCONT')) return;
      timer = setTimeout(step, runMs);
    }, stopMs);
  };
  step();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    signal('SIGCONT');
  };
}
