// Section: `flowmap ingest` end to end (file -> flows in a fresh DuckDB file), via the real CLI.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * The same command on a capture with no packets: what every ingest costs before its first packet
 * (Node.js, the modules, DuckDB loaded in the store worker, the file created, checkpointed and
 * closed). Best wall of `reps` runs, with the lowest max RSS; the goals are set against this floor.
 */
export async function ingestFloor(reps) {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, 'empty.pcap');
  const { pcapFile } = await import('../dist/testing/captures.js');
  writeFileSync(file, pcapFile({}, []));
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await flowmapIngest.once({ file, frames: 0 }));
  rmSync(file, { force: true });
  const rss = Math.min(...runs.map((r) => r.maxRssKiB ?? Infinity));
  // Without GNU time there is no RSS figure.
  return { ms: Math.min(...runs.map((r) => r.ms)), maxRssKiB: Number.isFinite(rss) ? rss : undefined };
}
