/** `flowmap ingest ntopng+mariadb://...`: import ntopng's flow dump (once, or --follow). */
import type { NtopngTableSummary } from '../pipeline/ntopng-import.js';
import { parseDuration } from '../util/duration.js';
import { applyRetention, withManagedStore, type CliContext } from './context.js';
import { EXIT_OK, say } from './exit.js';
import { stopOnSignals } from './signals.js';

export interface NtopngCliOptions {
  json?: boolean;
  quiet?: boolean;
  tablePrefix?: string;
  follow?: boolean;
  poll?: string;
}

function line(s: NtopngTableSummary): string {
  const skipped = Object.entries(s.skipped).map(([why, n]) => `${n} skipped (${why})`);
  return `${s.table}: ${s.rows} rows -> ${s.records} records${skipped.length ? `, ${skipped.join(', ')}` : ''}; position idx ${s.lastIdx}`;
}

export async function ingestNtopng(spec: string, ctx: CliContext, opts: NtopngCliOptions): Promise<number> {
  const [{ importNtopng }, { parseNtopngSpec }] = await Promise.all([import('../pipeline/ntopng-import.js'), import('../sources/ntopng/tables.js')]);
  const source = parseNtopngSpec(spec);
  const pollMs = opts.poll === undefined ? 2000 : parseDuration(opts.poll, '--poll');
  const abort = new AbortController();
  const release = opts.follow ? stopOnSignals(() => abort.abort()) : () => undefined;
  try {
    let purgedAt = Date.now();
    const summaries = await withManagedStore(ctx, async (store) => {
      const result = await
      importNtopng(source, store, {
        // A long --follow applies retention hourly (every writer applies it when it ends).
        onIdle: async () => {
          if (Date.now() - purgedAt < 3_600_000) return;
          purgedAt = Date.now();
          await applyRetention(ctx, store);
        },
        prefix: opts.tablePrefix,
        follow: opts.follow,
        pollMs,
        signal: abort.signal,
        onBatch: opts.follow && !opts.quiet ? (s) => say(line(s)) : undefined,
      });
      await applyRetention(ctx, store);
      return result;
    });
    for (const s of summaries) {
      if (!opts.quiet) say(s.present ? line(s) : `${s.table}: no such table (skipped)`);
    }
    if (opts.json) process.stdout.write(JSON.stringify(summaries, null, 2) + '\n');
    return EXIT_OK;
  } finally {
    release();
  }
}
