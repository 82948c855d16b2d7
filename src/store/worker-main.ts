/**
 * Store worker: hosts the real store in its own thread so that loading the database engine and
 * appending batches never stall the packet or datagram path.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from './open.js';
import { fromColumns } from './record-columns.js';
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

let store: Promise<Store> | undefined;
const opened = (): Promise<Store> => (store ??= openStore(init.spec, { readOnly: init.readOnly }));
/** How long a shared writer waits for readers to let go of the file. */
const SHARED_LOCK_WAIT_MS = 30_000;

/** Shared mode: open, do one thing, close, so the file is free between batches. */
async function briefly<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(init.spec, { readOnly: init.readOnly, lockWaitMs: SHARED_LOCK_WAIT_MS });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

async function handle(req: StoreRequest): Promise<unknown> {
  if (init.shared && req.op !== 'close') {
    return briefly<unknown>(async (s) => {
      if (req.op === 'append') return s.append(fromColumns(req.columns));
      if (req.op === 'top') return s.top(req.kind, req.filter);
      if (req.op === 'stats') return s.stats();
      if (req.op === 'saveHealth') return s.saveExporterHealth(req.run, req.rows);
      if (req.op === 'health') return s.exporterHealth();
      return null;
    });
  }
  switch (req.op) {
    case 'init':
      await opened();
      return null;
    case 'append':
      return (await opened()).append(fromColumns(req.columns));
    case 'top':
      return (await opened()).top(req.kind, req.filter);
    case 'stats':
      return (await opened()).stats();
    case 'saveHealth':
      return (await opened()).saveExporterHealth(req.run, req.rows);
    case 'health':
      return (await opened()).exporterHealth();
    case 'close':
      if (store) await (await store).close();
      return null;
  }
}

// Requests are handled strictly in order: appends never overtake each other or a close.
let chain: Promise<void> = Promise.resolve();
port.on('message', (req: StoreRequest) => {
  chain = chain.then(async () => {
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
