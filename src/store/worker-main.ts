/**
 * Store worker: hosts the real store in its own thread so that loading the database engine and
 * appending batches never stall the packet or datagram path.
 *
 * Appends are coalesced: a batch is acknowledged when queued, and queued batches are written in one
 * transaction of whole DuckDB row groups (ROW_GROUP records, or a multiple) as soon as that many are
 * queued; the rest waits for more, COALESCE_MS at most, and is written whole then or before any other
 * request (a query, a close) is served. DuckDB writes a large transaction's row groups straight to
 * the file instead of through its write-ahead log: several times fewer bytes written, which is what
 * lets a collector sustain hundreds of thousands of records a second. Whole row groups also leave no
 * partial group behind each transaction, which the next checkpoint had to merge (that was most of a
 * checkpoint's time). A failed write is reported on the next request (the batcher then stops the
 * source) and by close.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from './open.js';
import { fromColumns, sliceColumns, type RecordColumns } from './record-columns.js';
import type { Store } from './store.js';
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

/** DuckDB's row-group size: a transaction of whole groups skips the write-ahead log and leaves no partial group. */
const ROW_GROUP = 122_880;
/** How stale queued records may get before they are written (readers in other processes see them then). */
const COALESCE_MS = 1_000;
/** How long a shared writer waits for readers to let go of the file. */
const SHARED_LOCK_WAIT_MS = 30_000;
/** A shared writer checkpoints at most this often (and at its last close): see deferCheckpoint. */
const SHARED_CHECKPOINT_MS = 30_000;
let lastCheckpoint = Date.now();

let store: Promise<Store> | undefined;
const opened = (): Promise<Store> => (store ??= openStore(init.spec, { readOnly: init.readOnly }));

/** Shared mode: open, do one thing, close, so the file is free between writes. */
async function withStore<T>(fn: (s: Store) => Promise<T>, final = false): Promise<T> {
  if (!init.shared) return fn(await opened());
  const s: Store & { deferCheckpoint?: () => Promise<void> } = await openStore(init.spec, { readOnly: init.readOnly, lockWaitMs: SHARED_LOCK_WAIT_MS });
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

const queued: RecordColumns[] = [];
let queuedRows = 0;
let timer: NodeJS.Timeout | undefined;
let writeError: Error | null = null;
/** Transactions written so far. */
let writes = 0;

/** The first `rows` queued records, taken off the queue (a batch is split at the boundary). */
function take(rows: number): RecordColumns[] {
  const out: RecordColumns[] = [];
  for (let need = rows; need > 0; ) {
    const b = queued[0];
    if (b.count <= need) {
      out.push(b);
      queued.shift();
      need -= b.count;
    } else {
      out.push(sliceColumns(b, 0, need));
      queued[0] = sliceColumns(b, need, b.count);
      need = 0;
    }
  }
  queuedRows -= rows;
  return out;
}

/**
 * Write what is queued in one transaction: all of it, or (`wholeGroups`) the most whole row groups,
 * the rest waiting up to COALESCE_MS more. A failure is kept for the next request.
 */
async function drain(final = false, wholeGroups = false): Promise<void> {
  const rows = wholeGroups ? queuedRows - (queuedRows % ROW_GROUP) : queuedRows;
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (rows === 0) return;
  const batches = take(rows);
  if (queuedRows > 0) timer = setTimeout(() => enqueue(drain), COALESCE_MS);
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
    if (queuedRows >= ROW_GROUP) await drain(false, true);
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
    case 'saveSockets':
      return withStore((s) => s.saveSockets(req.rows));
    case 'sockets':
      return withStore((s) => s.sockets(req.query));
  }
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
