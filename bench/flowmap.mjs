// Section: `flowmap ingest` end to end (file -> flows in a fresh DuckDB file), via the real CLI.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, OUT_DIR } from './gen.mjs';
import { runProcess, withRusage } from './lib.mjs';

const CLI = join(BENCH_DIR, '..', 'dist', 'cli', 'main.js');

export const flowmapIngest = {
  name: 'flowmap ingest',
  prepare() {
    return existsSync(CLI) ? null : 'dist/cli/main.js not built';
  },
  /** @param {{ file: string, frames: number }} ctx; wall ms, CPU ms and max RSS (KiB) of the process */
  async once(ctx) {
    const db = join(OUT_DIR, `bench-${process.pid}.duckdb`);
    for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
    const [cmd, args, rusage] = withRusage(process.execPath, [CLI, '--db', db, 'ingest', ctx.file, '--json', '--quiet']);
    const r = await runProcess(cmd, args);
    const usage = rusage();
    for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
    if (r.code !== 0) {
      const lines = r.stderr.trim().split('\n');
      throw new Error(`flowmap ingest exited ${r.code}: ${lines.find((l) => /error/i.test(l)) ?? lines.pop()}`);
    }
    let note;
    try {
      const s = JSON.parse(r.stdout);
      const summary = Array.isArray(s) ? s[0] : s;
      if (summary && summary.frames !== ctx.frames) note = `read ${summary.frames} of ${ctx.frames} frames`;
      if (summary && summary.records !== undefined) note = note ?? `${summary.records} records`;
    } catch {
      note = 'no JSON summary';
    }
    return { ms: r.ms, ...usage, note };
  },
};
