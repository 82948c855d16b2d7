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
import { FlowmapError } from '../util/errors.js';
import { Backlog, DEFAULT_BACKLOG_RECORDS, isUnreachable } from './backlog.js';
import type { ExporterHealthRow, ManagedStore, Store } from './store.js';
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
/** At stop, how long a shared writer keeps trying an unreachable store before giving up on its backlog. */
const CLOSE_RETRY_MS = 30_000;
/** How long a shared writer waits for readers to let go of the file. */
const SHARED_LOCK_WAIT_MS = 30_000;
/** A shared writer checkpoints at most this often (and at its last close): see deferCheckpoint. */
const SHARED_CHECKPOINT_MS = 30_000;
let lastCheckpoint = Date.now();

let store: Promise<ManagedStore> | undefined;
const opened = (): Promise<ManagedStore> => (store ??= openStore(init.spec, { readOnly: init.readOnly }));

/**
 * Shared mode: open, do one thing, close, so the file is free between writes. A write while the
 * source still runs (not `final`) keeps DuckDB to this thread (see OpenOptions.engineThreads): at
 * 800,000 flows/s that cut the kernel's datagram drops from 4,000–12,000 to 0–3,500 per 5 s here,
 * with 13 % less CPU per stored record. Queries and the stop's writes use every core.
 */
async function withStore<T>(fn: (s: ManagedStore) => Promise<T>, final = false, write = false): Promise<T> {
  if (!init.shared) return fn(await opened());
  const engineThreads = write && !final ? 1 : undefined;
  const s: ManagedStore & { deferCheckpoint?: () => Promise<void> } = await openStore(init.spec, { readOnly: init.readOnly, lockWaitMs: SHARED_LOCK_WAIT_MS, engineThreads });
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

/** Batches leave `batches` as they are committed: on a failure it holds only those not stored. */
async function write(s: ColumnStore, batches: RecordColumns[]): Promise<void> {
  if (s.appendColumns) {
    await s.appendColumns(batches);
    batches.length = 0;
    return;
  }
  while (batches.length > 0) {
    await s.append(fromColumns(batches[0]));
    batches.shift();
  }
}

const queued: RecordColumns[] = [];
let queuedRows = 0;
let timer: NodeJS.Timeout | undefined;
let writeError: Error | null = null;
/** Transactions written so far. */
let writes = 0;
/** Between begin and commit/rollback of ingest's per-file transaction. */
let fileTx = false;

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
    await withStore((s) => write(s, batches), final, true);
    backlog.reachable();
    await savePendingHealth();
  } catch (e) {
    // A shared writer outlives a database server's restart: hold what was not stored, and retry.
    if (init.shared && isUnreachable(e)) return hold(batches);
    writeError ??= e instanceof Error ? e : new Error(String(e));
  }
}

/** Records kept while the store is unreachable, within the bound (--backlog); drops are counted. */
const backlog = new Backlog(init.backlogRecords ?? DEFAULT_BACKLOG_RECORDS);
/** The latest exporter health asked to be saved while the store was unreachable. */
let pendingHealth: { run: string; rows: ExporterHealthRow[] } | null = null;

function hold(batches: RecordColumns[]): void {
  const kept = backlog.trim([...batches, ...queued]);
  queued.length = 0;
  queued.push(...kept);
  queuedRows = queued.reduce((n, b) => n + b.count, 0);
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => enqueue(retry), backlog.nextDelay());
}

async function retry(): Promise<void> {
  if (queued.length > 0) return drain();
  timer = undefined;
  await savePendingHealth();
}

/** Save exporter health with the backlog's drops added; while unreachable, keep it for later. */
async function saveHealth(run: string, rows: ExporterHealthRow[]): Promise<null> {
  try {
    await withStore((s) => s.saveExporterHealth(run, backlog.withDrops(rows)));
    pendingHealth = null;
  } catch (e) {
    if (!init.shared || !isUnreachable(e)) throw e;
    pendingHealth = { run, rows };
    if (!timer) timer = setTimeout(() => enqueue(retry), backlog.nextDelay());
  }
  return null;
}

async function savePendingHealth(): Promise<void> {
  if (pendingHealth) await saveHealth(pendingHealth.run, pendingHealth.rows);
}

/** Closing while the store is unreachable: keep trying for a while, then report what is lost. */
async function drainAtClose(): Promise<void> {
  const deadline = Date.now() + CLOSE_RETRY_MS;
  await drain(true);
  while ((queued.length > 0 || pendingHealth) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, backlog.nextDelay()));
    if (queued.length > 0) await drain(true);
    else await savePendingHealth();
  }
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (queued.length > 0) writeError ??= new FlowmapError(`the store stayed unreachable: ${queuedRows} records were not stored`);
}

function rethrowWriteError(): void {
  if (writeError) throw writeError;
}

async function handle(req: StoreRequest): Promise<unknown> {
  if (req.op === 'append') {
    rethrowWriteError();
    queued.push(req.columns);
    queuedRows += req.columns.count;
    // While the store is unreachable, the retry timer writes (appends never wait on a dead server).
    // Inside a file's transaction every batch goes straight to its appender, which fills whole row
    // groups itself: nothing waits here in JavaScript form.
    if (fileTx && !backlog.down) await drain();
    else if (queuedRows >= ROW_GROUP && !backlog.down) await drain(false, true);
    else timer ??= setTimeout(() => enqueue(drain), COALESCE_MS);
    rethrowWriteError();
    return null;
  }
  // Every other request sees everything appended before it.
  const closing = req.op === 'close';
  const deferred = init.shared && !init.readOnly && closing && queued.length === 0 && writes > 0;
  if (closing && init.shared) await drainAtClose();
  else await drain(closing);
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
      return saveHealth(req.run, req.rows);
    case 'health':
      return withStore((s) => s.exporterHealth());
    case 'saveSockets':
      return withStore((s) => s.saveSockets(req.rows));
    case 'sockets':
      return withStore((s) => s.sockets(req.query));
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
  fileTx = req.op === 'begin' && s.begin !== undefined;
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
