/**
 * Store worker: hosts the real store in its own thread so that loading the database engine and
 * appending batches never stall the packet or datagram path.
 *
 * Appends are coalesced: a batch is acknowledged when queued, and queued batches are written in one
 * transaction once they reach COALESCE_ROWS records or COALESCE_MS after the first, and before any
 * other request (a query, a close) is served. DuckDB writes a large transaction's row groups
 * straight to the file instead of through its write-ahead log: several times fewer bytes written,
 * which is what lets a collector sustain hundreds of thousands of records a second. A failed write is
 * reported on the next request (the batcher then stops the source) and by close.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from './open.js';
import { fromColumns, type RecordColumns } from './record-columns.js';
import type { ManagedStore, Store } from './store.js';
import type { StoreRequest, StoreResponse, WorkerInit } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('store worker started outside a worker thread');
if (init.shared) {
  // Live writers (capture, collect): the thread reading packets or datagrams must never wait for the
  // store, or the kernel drops what arrives meanwhile; batches wait in memory instead. On Linux this
  // lowers this thread only (pid 0 = the calling thread).
  try {
    setPriority(0, 10);
  } catch {
    // not permitted or not supported: run at the normal priority
  }
}

/** Above DuckDB's row-group size (122,880), so a full transaction skips the write-ahead log. */
const COALESCE_ROWS = 131_072;
/** How stale queued records may get before they are written (readers in other processes see them then). */
const COALESCE_MS = 1_000;
/** How long a shared writer waits for readers to let go of the file. */
const SHARED_LOCK_WAIT_MS = 30_000;
/** A shared writer checkpoints at most this often (and at its last close): see deferCheckpoint. */
const SHARED_CHECKPOINT_MS = 30_000;
let lastCheckpoint = Date.now();

let store: Promise<ManagedStore> | undefined;
const opened = (): Promise<ManagedStore> => (store ??= openStore(init.spec, { readOnly: init.readOnly }));

/** Shared mode: open, do one thing, close, so the file is free between writes. */
async function withStore<T>(fn: (s: ManagedStore) => Promise<T>, final = false): Promise<T> {
  if (!init.shared) return fn(await opened());
  const s: ManagedStore & { deferCheckpoint?: () => Promise<void> } = await openStore(init.spec, { readOnly: init.readOnly, lockWaitMs: SHARED_LOCK_WAIT_MS });
  try {
    return await fn(s);
  } finally {
    if (!final && !init.readOnly && s.deferCheckpoint && Date.now() - lastCheckpoint < SHARED_CHECKPOINT_MS) await s.deferCheckpoint();
    else lastCheckpoint = Date.now();
    await s.close();
  }
}

/** Stores that take batches in column form directly (DuckDB) skip rebuilding the record objects. */
type ColumnStore = Store & { appendColumns?: (batches: readonly RecordColumns[]) => Promise<void> };

async function write(s: ColumnStore, batches: readonly RecordColumns[]): Promise<void> {
  if (s.appendColumns) return s.appendColumns(batches);
  for (const b of batches) await s.append(fromColumns(b));
}

let queued: RecordColumns[] = [];
let queuedRows = 0;
let timer: NodeJS.Timeout | undefined;
let writeError: Error | null = null;
/** Transactions written so far. */
let writes = 0;

/** Write what is queued (one transaction). A failure is kept for the next request. */
async function drain(final = false): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (queued.length === 0) return;
  const batches = queued;
  queued = [];
  queuedRows = 0;
  try {
    writes++;
    await withStore((s) => write(s, batches), final);
  } catch (e) {
    writeError ??= e instanceof Error ? e : new Error(String(e));
  }
}

function rethrowWriteError(): void {
  if (writeError) throw writeError;
}

async function handle(req: StoreRequest): Promise<unknown> {
  if (req.op === 'append') {
    rethrowWriteError();
    queued.push(req.columns);
    queuedRows += req.columns.count;
    if (queuedRows >= COALESCE_ROWS) await drain();
    else timer ??= setTimeout(() => enqueue(drain), COALESCE_MS);
    rethrowWriteError();
    return null;
  }
  // Every other request sees everything appended before it.
  const closing = req.op === 'close';
  const deferred = init.shared && !init.readOnly && closing && queued.length === 0 && writes > 0;
  await drain(closing);
  if (closing) {
    try {
      rethrowWriteError();
      // A shared writer's last close checkpoints what earlier closes deferred.
      if (deferred) await withStore(async () => null, true);
    } finally {
      if (store) await (await store).close();
    }
    return null;
  }
  rethrowWriteError();
  switch (req.op) {
    case 'init':
      return withStore(async () => null);
    case 'top':
      return withStore((s) => s.top(req.kind, req.filter));
    case 'series':
      return withStore((s) => s.series(req.filter, req.bucketMs));
    case 'topPer':
      return withStore((s) => s.topPer(req.kind, req.filter, req.bucketMs));
    case 'keyedSeries':
      return withStore((s) => s.keyedSeries(req.filter, req.bucketMs, req.keys));
    case 'edgeSeries':
      return withStore((s) => s.edgeSeries(req.filter, req.bucketMs, req.edges));
    case 'stats':
      return withStore((s) => s.stats());
    case 'sources':
      return withStore((s) => s.sources());
    case 'appendNames':
      return withStore((s) => s.appendNames(req.rows));
    case 'names':
      return withStore((s) => s.names(req.addresses));
    case 'saveHealth':
      return withStore((s) => s.saveExporterHealth(req.run, req.rows));
    case 'health':
      return withStore((s) => s.exporterHealth());
    case 'getMark':
      return withStore((s) => s.getMark(req.key));
    default:
      return fileTransaction(req);
  }
}

/**
 * begin/commit/rollback of ingest's per-file transaction. Only for a writer that keeps the store open
 * (not shared); a backend without transactions (ClickHouse) stores the mark after the rows instead.
 */
async function fileTransaction(req: Extract<StoreRequest, { op: 'begin' | 'commit' | 'rollback' }>): Promise<null> {
  if (init.shared) throw new Error(`${req.op}: not available to a shared writer`);
  const s = await opened();
  if (req.op === 'begin') await s.begin?.();
  else if (req.op === 'rollback') await s.rollback?.();
  else if (s.commit) await s.commit(req.mark ?? undefined);
  else if (req.mark) await s.append([], req.mark);
  return null;
}

// Requests are handled strictly in order: appends never overtake each other or a close.
let chain: Promise<void> = Promise.resolve();
function enqueue(fn: () => Promise<void>): void {
  chain = chain.then(fn);
}

port.on('message', (req: StoreRequest) => {
  enqueue(async () => {
    let res: StoreResponse;
    try {
      res = { id: req.id, ok: true, result: await handle(req) };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      res = { id: req.id, ok: false, error: { name: err.name, message: err.message } };
    }
    port.postMessage(res);
    if (req.op === 'close') port.close();
  });
});
