/**
 * Exports for the API run on one worker thread (export-worker.ts), queued there one at a time: a
 * layered layout of 2,000 dependencies takes seconds, which on the server's own thread would stall
 * every other request, the page's event stream included. The worker starts on the first export and
 * does not keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import type { ExportFormat } from '../export/formats.js';
import type { LayoutKind } from '../export/layout.js';
import type { DepGraph } from '../graph/model.js';
import { FlowmapError, UsageError } from '../util/errors.js';
import type { ExportAnswer, ExportJob } from './export-worker.js';

interface Pending {
  resolve: (data: string | Uint8Array) => void;
  reject: (e: Error) => void;
}

export class ExportRunner {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  run(format: ExportFormat, graph: DepGraph, layout: LayoutKind): Promise<string | Uint8Array> {
    const worker = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const job: ExportJob = { id, format, graph, layout };
      worker.postMessage(job);
    });
  }

  /** Stops the worker; exports still running fail. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./export-worker.js', import.meta.url));
    w.unref();
    w.on('message', (a: ExportAnswer) => {
      const p = this.pending.get(a.id);
      if (!p) return;
      this.pending.delete(a.id);
      if (a.ok) p.resolve(a.data);
      // Errors cross the thread as data: a usage error stays one (a 400, not a 500).
      else p.reject(a.name === 'UsageError' ? new UsageError(a.message) : new FlowmapError(`export failed: ${a.message}`));
    });
    const fail = (e: Error): void => {
      // A worker that died (out of memory, say) fails what it held; the next export starts a new one.
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(new FlowmapError(`export failed: ${e.message}`));
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.pending.size > 0) fail(new Error(`the export worker stopped (exit code ${code})`));
      if (this.worker === w) this.worker = null;
    });
    this.worker = w;
    return w;
  }
}
