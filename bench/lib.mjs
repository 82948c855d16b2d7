// Shared helpers for the benchmark sections: process timing, best-of, table output.
import { performance } from 'node:perf_hooks';
import { setTimeout, clearTimeout } from 'node:timers';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when `bin` is on PATH. */
export function have(bin) {
  return spawnSync('sh', ['-c', `command -v "$1"`, 'sh', bin], { stdio: 'ignore' }).status === 0;
}

/** Run a command (no shell); resolves with exit code, output and wall time in ms. */
export function runProcess(cmd, args, { timeoutMs = 30 * 60_000, env } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, signal: null, stdout, stderr: String(err), ms: performance.now() - t0 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

let rusageSeq = 0;

/**
 * `cmd args` run under GNU time (/usr/bin/time) when it is installed, so the child's CPU time and
 * peak RSS can be read after it exits: returns [cmd, args, read] where read() gives
 * { cpuMs, maxRssKiB } (undefined fields without GNU time) and removes the report file.
 */
export function withRusage(cmd, args) {
  if (!timeAvailable()) return [cmd, args, () => ({})];
  const file = join(tmpdir(), `flowmap-bench-rusage-${process.pid}-${rusageSeq++}`);
  const read = () => {
    try {
      const m = /RUSAGE (\S+) (\S+) (\d+)/.exec(readFileSync(file, 'utf8'));
      return m ? { cpuMs: (Number(m[1]) + Number(m[2])) * 1000, maxRssKiB: Number(m[3]) } : {};
    } catch {
      return {};
    } finally {
      rmSync(file, { force: true });
    }
  };
  return ['/usr/bin/time', ['-o', file, '-f', 'RUSAGE %U %S %M', cmd, ...args], read];
}

let timeChecked;
function timeAvailable() {
  timeChecked ??= spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;
  return timeChecked;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Format a number with thousands separators. */
export const fmt = (n) => (n === undefined || n === null || Number.isNaN(n) ? '-' : Math.round(n).toLocaleString('en-US'));

/** Print rows (arrays of strings) as an aligned table; first row is the header. */
export function printTable(rows, out = process.stdout) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const [n, r] of rows.entries()) {
    out.write(r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ') + '\n');
    if (n === 0) out.write(widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  }
}

/** Best (shortest) time of `reps` runs of fn, in one process, and the last run's result. */
export async function best(reps, fn) {
  const runs = [];
  let out;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    out = await fn();
    runs.push(performance.now() - t0);
  }
  return { ms: Math.min(...runs), out };
}
