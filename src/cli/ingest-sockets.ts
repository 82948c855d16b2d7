/**
 * `flowmap ingest --sockets FILE…`: agent snapshots written with `flowmap agent --output`, one JSON
 * object per line, stored exactly as `POST /api/v1/agent` stores them (pipeline/sockets.ts). A bad
 * line is reported with its place and skipped; the rest still go in.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseSnapshot } from '../sources/agent/snapshot.js';
import { SocketIngest } from '../pipeline/sockets.js';
import type { Store } from '../store/store.js';
import { say } from './exit.js';

export interface SocketFileSummary {
  file: string;
  snapshots: number;
  sockets: number;
  rows: number;
  new_periods: number;
  /** Lines that were not a valid snapshot (reported on stderr). */
  rejected: number;
}

/** Longest line read: a 200,000-socket snapshot is about 40 MB. */
const MAX_LINE = 64 * 1024 * 1024;

export async function ingestSocketFiles(files: readonly string[], store: Store, opts: { quiet: boolean; signal: AbortSignal }): Promise<{ summaries: SocketFileSummary[]; failed: number }> {
  const ingest = new SocketIngest(store);
  const summaries: SocketFileSummary[] = [];
  let failed = 0;
  for (const file of files) {
    if (opts.signal.aborted) break;
    const s: SocketFileSummary = { file, snapshots: 0, sockets: 0, rows: 0, new_periods: 0, rejected: 0 };
    try {
      const input = file === '-' ? process.stdin : createReadStream(file);
      const lines = createInterface({ input, crlfDelay: Infinity });
      let n = 0;
      for await (const line of lines) {
        n++;
        if (opts.signal.aborted) break;
        if (line.trim() === '') continue;
        const problem = line.length > MAX_LINE ? `line longer than ${MAX_LINE} characters` : undefined;
        let value: unknown;
        try {
          if (problem) throw new Error(problem);
          value = JSON.parse(line);
        } catch (e) {
          s.rejected++;
          say(`${file}:${n}: not a snapshot: ${problem ?? (e as Error).message}`);
          continue;
        }
        const parsed = parseSnapshot(value);
        if (!parsed.ok) {
          s.rejected++;
          say(`${file}:${n}: invalid snapshot: ${parsed.error}`);
          continue;
        }
        const r = await ingest.accept(parsed.snapshot);
        s.snapshots++;
        s.sockets += r.sockets;
        s.rows += r.rows;
        s.new_periods += r.newPeriods;
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (!err.code) throw e;
      failed++;
      say(`${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      continue;
    }
    summaries.push(s);
    if (!opts.quiet) {
      say(`${file}: ${s.snapshots} snapshots, ${s.sockets} sockets, ${s.new_periods} new socket periods${s.rejected ? `, ${s.rejected} lines rejected` : ''}`);
    }
  }
  return { summaries, failed };
}
