/**
 * Store worker: hosts the real store in its own thread so that loading the database engine and
 * appending batches never stall the packet or datagram path.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from './open.js';
import { fromColumns } from './record-columns.js';
import type { Store } from './store.js';
import type { StoreRequest, StoreResponse, WorkerInit } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('store worker started outside a worker thread');

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
      if (req.op === 'init') return null;
      return run(s, req);
    });
  }
  if (req.op === 'init') {
    await opened();
    return null;
  }
  if (req.op === 'close') {
    if (store) await (await store).close();
    return null;
  }
  return run(await opened(), req);
}

function run(s: Store, req: Exclude<StoreRequest, { op: 'init' | 'close' }>): Promise<unknown> {
  switch (req.op) {
    case 'append':
      return s.append(fromColumns(req.columns), req.mark);
    case 'top':
      return s.top(req.kind, req.filter);
    case 'stats':
      return s.stats();
    case 'getMark':
      return s.getMark(req.key);
    case 'scan':
      return s.scan(req.fromMs, req.toMs, req.limit);
    case 'purge':
      return s.purge(req.beforeMs);
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
