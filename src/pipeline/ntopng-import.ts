/**
 * Import ntopng's MariaDB/MySQL flow dump (`flowsv4` / `flowsv6`, formats.md §1) into a store.
 * Rows are read in `idx` order in batches; each batch goes into the store together with the last
 * idx it holds (a StoreMark in the target store), so an import stopped at any point (or a `--follow`
 * restarted later) resumes after the last stored row and never counts a row twice.
 */
import type { Connection } from 'mariadb';
import { columns, connectNtopng, plan, readBatch, type NtopngSource, type TablePlan } from '../sources/ntopng/tables.js';
import type { ManagedStore } from '../store/store.js';
import { UsageError } from '../util/errors.js';
import { rememberStored } from './ntopng-resume.js';

export interface NtopngOptions {
  /** Table prefix (ntopng's --dump-flows prefix): tables PREFIXv4 and PREFIXv6. Default `flows`. */
  prefix?: string;
  /** Keep importing new rows until the signal aborts. */
  follow?: boolean;
  /** Poll interval in follow mode (ms). Default 2000. */
  pollMs?: number;
  /** Rows per batch. Default 20,000. */
  batchSize?: number;
  signal?: AbortSignal;
  /** After each stored batch. */
  onBatch?: (progress: NtopngTableSummary) => void;
  /** Each pass over the tables in follow mode (e.g. retention). */
  onIdle?: () => Promise<void>;
}

export interface NtopngTableSummary {
  table: string;
  /** Rows read (stored + skipped) in this run. */
  rows: number;
  records: number;
  skipped: Record<string, number>;
  /** idx of the last row stored (the resume position), 0 before any. */
  lastIdx: number;
  /** False when the table does not exist (e.g. no IPv6 traffic yet). */
  present: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Import (and with `follow`, keep importing) both tables; returns a summary per table. */
export async function importNtopng(src: NtopngSource, store: ManagedStore, opts: NtopngOptions = {}): Promise<NtopngTableSummary[]> {
  const prefix = opts.prefix ?? 'flows';
  if (!/^[A-Za-z0-9_$]{1,60}$/.test(prefix)) throw new UsageError(`--table-prefix ${JSON.stringify(prefix)}: letters, digits and _ only`);
  const batchSize = opts.batchSize ?? 20_000;
  const conn = await connectNtopng(src);
  const summaries: NtopngTableSummary[] = ([4, 6] as const).map((v) => ({ table: `${prefix}v${v}`, rows: 0, records: 0, skipped: {}, lastIdx: 0, present: false }));
  try {
    const plans: (TablePlan | null)[] = [null, null];
    for (;;) {
      for (const [i, v] of ([4, 6] as const).entries()) {
        const sum = summaries[i];
        if (!plans[i]) {
          const cols = await columns(conn, sum.table);
          if (!cols) continue;
          plans[i] = plan(src, sum.table, v, cols);
          sum.present = true;
          sum.lastIdx = Number((await store.getMark(plans[i].markKey)) ?? 0);
          // Resuming: a flow whose earlier dumps were stored by the last run is not counted again.
          if (sum.lastIdx > 0) await rememberStored(store, plans[i]);
        }
        await drain(conn, plans[i] as TablePlan, store, sum, batchSize, opts);
        if (opts.signal?.aborted) break;
      }
      if (!opts.follow || opts.signal?.aborted) break;
      await opts.onIdle?.();
      await sleep(opts.pollMs ?? 2000, opts.signal);
      if (opts.signal?.aborted) break;
    }
  } finally {
    await conn.end();
  }
  if (!summaries.some((s) => s.present)) {
    throw new UsageError(`no ntopng flow tables ${prefix}v4 / ${prefix}v6 in database ${src.database} at ${src.host}:${src.port} (see --table-prefix)`);
  }
  return summaries;
}

/** Read and store batches until the table has nothing newer than the mark. */
async function drain(conn: Connection, p: TablePlan, store: ManagedStore, sum: NtopngTableSummary, batchSize: number, opts: NtopngOptions): Promise<void> {
  for (;;) {
    const batch = await readBatch(conn, p, sum.lastIdx, batchSize);
    if (batch.rows === 0) return;
    for (const [why, n] of Object.entries(batch.skipped)) sum.skipped[why] = (sum.skipped[why] ?? 0) + n;
    // The records and the position go in together: a restart resumes right after this batch.
    await store.append(batch.records, { key: p.markKey, value: String(batch.lastIdx) });
    sum.lastIdx = batch.lastIdx;
    sum.rows += batch.rows;
    sum.records += batch.records.length;
    opts.onBatch?.(sum);
    if (batch.rows < batchSize || opts.signal?.aborted) return;
  }
}
